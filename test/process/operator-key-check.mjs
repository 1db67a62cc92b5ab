// Runs the built operator-key module with the real @kubernetes/client-node (ESM, so not loadable
// from jest) against the API server URL in argv[2]; prints what it saw as one JSON line.
import * as k8s from '@kubernetes/client-node';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { clientNodeSecretApi, readOrCreateKey } = require('../../dist/hooks/runtime/operator-key.js');
const { readOrCreateToken } = require('../../dist/hooks/runtime/auth-token.js');

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
const tokenRef = { namespace: 'pgmeta-system', secretName: 'pgmeta-hooks-auth' };
const token = await readOrCreateToken(api, tokenRef, silent);
const tokenAgain = await readOrCreateToken(api, tokenRef, silent);
// The Secret the install creates empty: filled in place, then seen as taken.
const empty = { namespace: 'pgmeta-system', secretName: 'pgmeta-empty' };
const filled = await readOrCreateKey(api, empty, silent);
const secondFill = await api.fill(empty, { key: 'eA==' });
// The token Secret the install creates without a token: filled in place too.
const emptyAuth = { namespace: 'pgmeta-system', secretName: 'pgmeta-empty-auth' };
const tokenFilled = await readOrCreateToken(api, emptyAuth, silent);
console.log(
  JSON.stringify({
    key: Buffer.from(key).toString('base64'),
    again: Buffer.from(again).toString('base64'),
    secondCreate,
    token: token.authToken,
    tokenAgain: tokenAgain.authToken,
    filled: Buffer.from(filled).toString('base64'),
    secondFill,
    tokenFilled: tokenFilled.authToken,
  }),
);
