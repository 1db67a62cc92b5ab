/**
 * The install's images file: the ConfigMap the install ships holds exactly pgmeta's defaults (so the one
 * place a user edits shows the truth), and the loader refuses a mistake with the key at fault.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_IMAGES } from '../../../../hooks/postgrescluster/images/set';
import { parseImageSettings } from '../../../../hooks/runtime/images-file';

describe('manifests/hooks/images.yaml', () => {
  it("lists every image key with pgmeta's default, and no pull Secret", () => {
    const shipped = parseImageSettings(readFileSync('manifests/hooks/images.yaml', 'utf8'), 'images.yaml');
    expect(shipped).toEqual({ images: DEFAULT_IMAGES, pullSecrets: [] });
  });
});

describe('parseImageSettings', () => {
  it('reads overrides and pull Secrets; an empty file means the defaults', () => {
    const text =
      'images:\n  pgbouncer: mirror.example.com/pgbouncer:1.25.1@sha256:abc\npullSecrets: [mirror]\n';
    expect(parseImageSettings(text, 'f')).toEqual({
      images: { pgbouncer: 'mirror.example.com/pgbouncer:1.25.1@sha256:abc' },
      pullSecrets: ['mirror'],
    });
    expect(parseImageSettings('', 'f')).toEqual({ images: {}, pullSecrets: [] });
  });

  it.each([
    ['images:\n  spilo-12: x/y:1\n', 'f: images.spilo-12 is not one of'],
    ['images:\n  exporter: "has space:1"\n', 'f: images.exporter must be an image reference'],
    ['images:\n  exporter: 7\n', 'f: images.exporter must be an image reference'],
    ['pullSecrets: [Bad_Name]\n', 'f: pullSecrets[0] must be the name of a Secret'],
    ['pullSecrets: mirror\n', 'f: pullSecrets must be a list'],
    ['image: {}\n', 'f: unknown key image'],
    ['- a\n', 'f: expected a mapping'],
  ])('refuses %j', (text, message) => {
    expect(() => parseImageSettings(text, 'f')).toThrow(message);
  });
});
