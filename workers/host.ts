/** Worker entry: host the actors main's placement gave this worker (see src/actors/run-host.ts). */
import { runHost } from '../src/actors/run-host.js';

await runHost();
