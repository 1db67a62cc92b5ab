/**
 * A hand-set password in `<cluster>-patroni-api` that cannot reach Patroni through SPILO_CONFIGURATION
 * (a quote, a backslash, a control character, ...: patroni/rest-api-secret.ts): pgmeta never renders
 * it, status names the Secret and key, and the rendered configuration as the kubelet expands it still
 * parses. Before this check, the hook rendered such a password and said nothing; a member that started
 * with it crash-looped in Spilo's configure_spilo.py.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { derivePassword } from '../../../../hooks/postgrescluster/children/secrets.js';
import {
  restApiSecretCondition,
  spiloSafePassword,
} from '../../../../hooks/postgrescluster/patroni/rest-api-secret.js';
import { restApiPassword } from '../../../../hooks/postgrescluster/patroni/rest-api.js';
import { renderChildren } from '../../../../hooks/postgrescluster/render.js';
import { aCluster } from '../../../support/cluster-fixture.js';
import { childrenOf, conditionOf, syncWithHandSetPassword } from '../../../support/hand-set-secret.js';
import { containerEnvValues, type RenderedEnvVar } from '../../../support/container-env.js';

const KEY = new TextEncoder().encode('rest api secret test key');
const cluster = aCluster().withName('orders').withNamespace('shop').withUid('uid-1').build();
const SECRET = 'orders-patroni-api';
const DERIVED = derivePassword(KEY, 'uid-1', 'patroni-api');

const secretWith = (bytes: Buffer): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: SECRET, namespace: 'shop' },
  data: { username: Buffer.from('pgmeta').toString('base64'), password: bytes.toString('base64') },
});
const observed = (bytes: Buffer) => ({ [SECRET]: secretWith(bytes) });
const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** Passwords Patroni gets unchanged, and ones it does not (hand-set into the Secret). */
const SAFE = [
  'chosen',
  DERIVED,
  "p@ss w0rd!#%&*'{}[]:,|>?",
  'x$(Y)',
  'ünïcødé €',
  '😀',
  '\ufeffbom',
  // PyYAML keeps these line separators as they are inside a quoted scalar; JSON allows them.
  'a\u2028b\u2029c',
];
const HOSTILE: Record<string, Buffer> = {
  'a double quote': utf8('a"b'),
  'a quote that injects a key': utf8('x", "listen": "0.0.0.0:1'),
  'a backslash': utf8('a\\b'),
  'an escape sequence': utf8('a\\nb'),
  'a line feed': utf8('a\nb'),
  'a carriage return': utf8('a\rb'),
  'a tab': utf8('a\tb'),
  NUL: utf8('a\u0000b'),
  'U+0001': utf8('a\u0001b'),
  'U+001F': utf8('a\u001fb'),
  DEL: utf8('a\u007fb'),
  'U+0085': utf8('a\u0085b'),
  'U+009F': utf8('a\u009fb'),
  'U+FFFE': utf8('a\ufffeb'),
  'U+FFFF': utf8('a\uffffb'),
  'bytes that are not UTF-8': Buffer.from([0x61, 0xff, 0x62]),
  'a cut UTF-8 sequence': Buffer.from([0x61, 0xc3]),
};

interface PodShape {
  spec: { template: { spec: { containers: { env?: RenderedEnvVar[] }[] } } };
}
const render = (observedSecrets: Record<string, KubeObject>) =>
  renderChildren(cluster, { operatorKey: KEY, observedSecrets, specJson: '{}' });
const renderedPassword = (children: KubeObject[]) => {
  const s = children.find((c) => c.kind === 'Secret' && c.metadata.name === SECRET);
  return Buffer.from((s?.['data'] as Record<string, string>)['password'] ?? '', 'base64').toString();
};

/** SPILO_CONFIGURATION as the kubelet gives it to Spilo, the password from the rendered Secret. */
function expandedConfiguration(children: KubeObject[]): string {
  const sts = children.find((c) => c.kind === 'StatefulSet') as unknown as PodShape;
  const env = sts.spec.template.spec.containers[0]?.env ?? [];
  return containerEnvValues(env, children).get('SPILO_CONFIGURATION') ?? '';
}

/** SPILO_CONFIGURATION with its references, as the StatefulSet holds it. */
function configurationTemplate(): string {
  const sts = render({}).find((c) => c.kind === 'StatefulSet') as unknown as PodShape;
  const env = sts.spec.template.spec.containers[0]?.env ?? [];
  return env.find((v) => v.name === 'SPILO_CONFIGURATION')?.value ?? '';
}

describe("a hand-set REST API password Spilo can't read back", () => {
  it.each(Object.entries(HOSTILE))('is not used when it holds %s: the derived one is', (_, bytes) => {
    expect(spiloSafePassword(bytes)).toBe(false);
    expect(restApiPassword(cluster, { operatorKey: KEY, observedSecrets: observed(bytes) })).toBe(DERIVED);
  });

  it.each(SAFE)('is kept when it reaches Patroni unchanged (%j)', (password) => {
    expect(spiloSafePassword(utf8(password))).toBe(true);
    const inputs = { operatorKey: KEY, observedSecrets: observed(utf8(password)) };
    expect(restApiPassword(cluster, inputs)).toBe(password);
  });

  it('leaves SPILO_CONFIGURATION, as the kubelet expands it from the rendered Secret, valid JSON', () => {
    const children = render(observed(utf8('s3cr"et\\')));
    const spilo = JSON.parse(expandedConfiguration(children)) as {
      restapi: { authentication: { password: string } };
    };
    expect(spilo.restapi.authentication.password).toBe(DERIVED);
    expect(renderedPassword(children)).toBe(DERIVED);
  });

  it('is reported in status: the Secret and key, the characters refused and what to do', () => {
    expect(restApiSecretCondition(cluster, observed(utf8('chosen')))).toBeUndefined();
    expect(restApiSecretCondition(cluster, {})).toBeUndefined();
    const condition = restApiSecretCondition(cluster, observed(utf8('s3cr"et')));
    expect(condition).toMatchObject({
      type: 'PatroniApiSecretValid',
      status: 'False',
      reason: 'PasswordNotUsable',
    });
    expect(condition?.message).toContain('Secret orders-patroni-api data.password');
    expect(condition?.message).toContain('a double quote, a backslash, a control character');
    expect(condition?.message).toContain('letters, digits');
    // Status is not a place for the password, even in part.
    expect(condition?.message).not.toContain('s3cr');
  });
});

describe('the hook, given a running cluster whose REST API Secret was hand-set', () => {
  it('says so in status and changes nothing else it renders', () => {
    const good = syncWithHandSetPassword('patroni-api', utf8('chosen'));
    const bad = syncWithHandSetPassword('patroni-api', utf8('cho"sen'));
    expect(conditionOf(good.status, 'PatroniApiSecretValid')).toBeUndefined();
    expect(conditionOf(bad.status, 'PatroniApiSecretValid')).toMatchObject({
      status: 'False',
      reason: 'PasswordNotUsable',
    });
    // The members' template is the same: no rollout starts because of the Secret's content.
    expect(childrenOf(bad.children, 'StatefulSet')).toEqual(childrenOf(good.children, 'StatefulSet'));
    expect(renderedPassword(bad.children)).toBe(
      derivePassword(new Uint8Array(32).fill(42), bad.parent.metadata.uid ?? '', 'patroni-api'),
    );
  });
});

const hasPyYaml = spawnSync('python3', ['-c', 'import yaml'], { stdio: 'ignore' }).status === 0;

/**
 * Spilo reads SPILO_CONFIGURATION with PyYAML (configure_spilo.py `main()`), writes Patroni's
 * configuration file with `yaml.dump` and Patroni reads it with `yaml.safe_load`: every password
 * accepted comes back from both unchanged, and every one refused fails or changes, but tab (PyYAML
 * keeps it, JSON refuses it). Bytes reach Python as the environment gives them (os.fsdecode:
 * surrogateescape).
 */
(hasPyYaml ? it : it.skip)('matches what PyYAML reads back from the expanded document', () => {
  const samples = [...SAFE.map(utf8), ...Object.values(HOSTILE)];
  const program = [
    'import base64, json, os, sys, yaml',
    'doc, out = os.environ["DOC"], []',
    'for s in json.loads(os.environ["SAMPLES"]):',
    '    pw = os.fsdecode(base64.b64decode(s))',
    '    text = doc.replace("$(PATRONI_RESTAPI_USERNAME)", "pgmeta").replace("$(PATRONI_RESTAPI_PASSWORD)", pw)',
    '    try:',
    '        conf = yaml.safe_load(yaml.dump(yaml.safe_load(text), default_flow_style=False, width=120))',
    '        out.append(conf["restapi"]["authentication"]["password"] == pw)',
    '    except Exception:',
    '        out.append(False)',
    'print(json.dumps(out))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', program], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      DOC: configurationTemplate(),
      SAMPLES: JSON.stringify(samples.map((b) => b.toString('base64'))),
    },
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  const readBack = JSON.parse(run.stdout) as boolean[];
  const expected = samples.map((b) => spiloSafePassword(b) || b.equals(HOSTILE['a tab']!));
  expect(readBack).toEqual(expected);
});
