// Runs the built operator-key module with the real @kubernetes/client-node (ESM, so not loadable
// from jest) against the API server URL in argv[2]; prints what it saw as one JSON line.
import * as k8s from '@kubernetes/client-node';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { clientNodeSecretApi, readOrCreateKey } = require('../../dist/hooks/runtime/operator-key.js');

const kc = new k8s.KubeConfig();
kc.loadFromOptions({
  clusters: [{ name: 'fake', server: process.argv[2], skipTLSVerify: true }],
  users: [{ name: 'u', token: 't' }],
  contexts: [{ name: 'c', cluster: 'fake', user: 'u' }],
  currentContext: 'c',
});
const api = clientNodeSecretApi(k8s, kc);
const ref = { namespace: 'pgmeta-system', secretName: 'pgmeta-operator-key' };
const ignore = () => undefined;
const silent = { info: ignore, warn: ignore };
const key = await readOrCreateKey(api, ref, silent);
const again = await readOrCreateKey(api, ref, silent);
const secondCreate = await api.create(ref, { key: 'eA==' });
// The Secret the install creates empty: filled in place, then seen as taken.
const empty = { namespace: 'pgmeta-system', secretName: 'pgmeta-empty' };
const filled = await readOrCreateKey(api, empty, silent);
const secondFill = await api.fill(empty, { key: 'eA==' });
console.log(
  JSON.stringify({
    key: Buffer.from(key).toString('base64'),
    again: Buffer.from(again).toString('base64'),
    secondCreate,
    filled: Buffer.from(filled).toString('base64'),
    secondFill,
  }),
);
