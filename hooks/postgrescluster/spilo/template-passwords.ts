/**
 * Whether the superuser and replication passwords in `<cluster>-superuser` and `<cluster>-replication`
 * reach PostgreSQL as the Secret holds them. pgmeta's own are base64url and always do; this is about
 * passwords a user set by hand.
 *
 * Spilo hands both to Patroni through its configuration template (Spilo 4.0-p3
 * postgres-appliance/scripts/configure_spilo.py: `TEMPLATE` has `password: '{{PGPASSWORD_SUPERUSER}}'`
 * and `'{{PGPASSWORD_STANDBY}}'` under `postgresql.authentication`; `pystache_render` renders it with
 * pystache's default escape, and `main` reads the result with `yaml.safe_load`). The image installs
 * Ubuntu 22.04's python3-pystache 0.6.0 (build_scripts/patroni_wale.sh), whose default escape is HTML
 * escaping with quotes (pystache `defaults.TAG_ESCAPE`). So:
 * - `&`, `<`, `>`, `"` and `'` reach Patroni as `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#x27;`: Patroni
 *   creates the superuser and the replication role with that text at bootstrap and uses it itself,
 *   while every client that reads the Secret (applications, pgmeta's Jobs, a standby of this cluster)
 *   sends the text as written and is refused;
 * - a line break inside the quoted YAML scalar becomes a space, and PyYAML refuses the other control
 *   characters but tab, DEL, the C1 controls, U+FFFE, U+FFFF and bytes that are not UTF-8 (PyYAML
 *   reader.py `Reader.NON_PRINTABLE`, scanner.py `Scanner.scan_flow_scalar_spaces`): the container
 *   does not start.
 * test/spilo/template-passwords.test.ts holds this to Debian's python3-pystache 0.6.0 and PyYAML.
 *
 * A hand-set password is the user's: pgmeta changes nothing and says so in status.
 */
import type { ConditionInput } from '../../lib/conditions.js';
import type { KubeObject } from '../../lib/k8s.js';
import { observedPasswordBytes } from '../children/secrets.js';
import { clusterNames } from '../names.js';

/** Whether the bytes are UTF-8 and every code point passes `ok` (invalid UTF-8 never passes). */
export function everyCodePoint(bytes: Uint8Array, ok: (codePoint: number) => boolean): boolean {
  const text = Buffer.from(bytes).toString('utf8');
  // Invalid UTF-8 decodes to U+FFFD here; the re-encoding then differs from the bytes.
  if (!Buffer.from(text, 'utf8').equals(Buffer.from(bytes))) return false;
  for (const ch of text) if (!ok(ch.codePointAt(0) ?? 0)) return false;
  return true;
}

/** `&` `<` `>` `"` `'`: what HTML escaping with quotes rewrites. */
const HTML_ESCAPED = [0x26, 0x3c, 0x3e, 0x22, 0x27];

/** A code point that reaches Patroni unchanged from inside Spilo's single-quoted template value. */
function keptByTemplate(c: number): boolean {
  if (HTML_ESCAPED.includes(c)) return false;
  if (c < 0x20) return c === 0x09;
  return !(c >= 0x7f && c <= 0x9f) && c !== 0xfffe && c !== 0xffff;
}

/** Whether password bytes reach PostgreSQL unchanged through Spilo's configuration template. */
export function reachesPostgres(bytes: Uint8Array): boolean {
  return everyCodePoint(bytes, keptByTemplate);
}

/** The condition type, present only while a hand-set password does not reach PostgreSQL as written. */
export const TEMPLATE_PASSWORDS_CONDITION = 'CredentialSecretsValid';

/**
 * `CredentialSecretsValid` False while the superuser or replication Secret holds a password Spilo
 * changes or cannot read. The message names the Secrets and key, never the character: status is
 * readable by many who may not read Secrets.
 */
export function templatePasswordsCondition(
  cluster: { name: string },
  secrets: Readonly<Record<string, KubeObject>>,
): ConditionInput | undefined {
  const names = clusterNames(cluster).secrets;
  const changed = [names.superuser, names.replication].filter((name) => {
    const bytes = observedPasswordBytes(secrets[name]);
    return bytes !== undefined && !reachesPostgres(bytes);
  });
  if (changed.length === 0) return undefined;
  return {
    type: TEMPLATE_PASSWORDS_CONDITION,
    status: 'False',
    reason: 'PasswordChangedBySpilo',
    message:
      `${changed.map((name) => `Secret ${name} data.password`).join(' and ')} does not reach ` +
      'PostgreSQL as written: Spilo HTML-escapes & < > " \' in it and cannot read control characters ' +
      '(but tab), U+007F-U+009F, U+FFFE, U+FFFF or bytes that are not UTF-8, so the role gets another ' +
      'password than the Secret and clients using the Secret are refused. Use a password without them ' +
      '(docs/security.md, "Hand-set passwords").',
  };
}
