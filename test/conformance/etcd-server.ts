/** Re-export of the etcd launcher (it lives in src/ so the compiled store bench can use it too). */
export { ETCD_BIN, etcdAvailable, startEtcd, type RunningEtcd } from '../../src/store/etcd/etcd-process.js';
