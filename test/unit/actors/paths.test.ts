/** Needs the compiled tree (`npm test` builds first). */
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../../src/actors/errors.js';
import { compiledUrl, workerEntryUrl } from '../../../src/actors/runtime.js';

const root = new URL('../../../', import.meta.url);
const at = (p: string) => new URL(p, root).href;

describe('paths', () => {
  it.each([
    { name: 'a project .ts file maps to its dist twin', input: at('src/actors/testkit.ts'), want: at('dist/src/actors/testkit.js') },
    { name: 'a .js sibling that only exists compiled maps to dist', input: at('src/actors/testkit.js'), want: at('dist/src/actors/testkit.js') },
    { name: 'a plain path works like a file URL', input: new URL('src/actors/testkit.ts', root).pathname, want: at('dist/src/actors/testkit.js') },
    { name: 'a dist file is left alone', input: at('dist/src/actors/testkit.js'), want: at('dist/src/actors/testkit.js') },
    { name: 'a file outside the project is left alone', input: 'file:///opt/elsewhere/registry.ts', want: 'file:///opt/elsewhere/registry.ts' },
  ])('paths - $name', ({ input, want }) => {
    expect(compiledUrl(input).href).toBe(want);
  });

  it('paths - an unbuilt project module is a named error, not a worker that dies', () => {
    expect(() => compiledUrl(at('src/actors/no-such-module.ts'))).toThrow(InvariantError);
  });

  it('paths - the worker entry is dist/workers/host.js from source too', () => {
    expect(workerEntryUrl().href).toBe(at('dist/workers/host.js'));
  });
});
