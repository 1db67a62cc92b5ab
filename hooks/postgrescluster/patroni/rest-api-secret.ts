/**
 * Whether the password in `<cluster>-patroni-api` can reach Patroni, and what status says when not.
 *
 * The kubelet pastes the Secret's `data.password` verbatim between the quotes of a JSON string in
 * `SPILO_CONFIGURATION` (rest-api.ts), and Spilo reads that document with PyYAML (Spilo 4.0-p3
 * `postgres-appliance/scripts/configure_spilo.py` `main()`:
 * `yaml.load(os.environ.get('SPILO_CONFIGURATION', ...))`). In a double-quoted scalar:
 * - `"` ends the string: a parse error, or keys of the user's choosing in Patroni's configuration;
 * - `\` starts an escape: a parse error, or another password than the Secret's;
 * - a line break LF, CR or U+0085 is folded into a space: another password (PyYAML `scanner.py`
 *   `Scanner.scan_flow_scalar_spaces`, `Scanner.scan_line_break`; U+2028 and U+2029 come back as
 *   themselves, and JSON allows them);
 * - every other non-printable character is refused when the stream is read: the C0 controls but tab,
 *   DEL, the C1 controls but U+0085, U+FFFE, U+FFFF, and the lone surrogates Python makes of bytes that
 *   are not UTF-8 (PyYAML `reader.py` `Reader.NON_PRINTABLE`, `Reader.check_printable`).
 * A parse error fails the container before Patroni starts, at every start (a crash loop); a changed
 * password makes every Job that calls Patroni get 401. JSON refuses every raw U+0000–U+001F in a
 * string, tab included (RFC 8259 section 7), so that range is refused whole.
 *
 * pgmeta cannot repair the Secret: it is an `OnDelete` child (render.ts `CHILD_TYPES`), and the user's
 * value is not pgmeta's to overwrite. It reports the problem instead, naming the Secret and key, starts
 * no rollout that would restart members into it (day2/rollout.ts `rolloutHeld`), and never renders
 * such a password itself (rest-api.ts `restApiPassword`).
 */
import type { ConditionInput } from '../../lib/conditions.js';
import type { KubeObject } from '../../lib/k8s.js';
import { observedPasswordBytes } from '../children/secrets.js';
import { clusterNames } from '../names.js';
import { everyCodePoint } from '../spilo/template-passwords.js';

/** A code point that does not reach Patroni unchanged from inside a quoted string of that document. */
function unsafeCodePoint(c: number): boolean {
  return (
    c === 0x22 || // "
    c === 0x5c || // \
    c < 0x20 ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0xfffe ||
    c === 0xffff
  );
}

/** Whether these password bytes reach Patroni unchanged through `SPILO_CONFIGURATION`. */
export function spiloSafePassword(bytes: Uint8Array): boolean {
  return everyCodePoint(bytes, (c) => !unsafeCodePoint(c));
}

/** Whether an observed Secret holds a password that Spilo cannot read back (none at all is fine). */
export function unusableRestApiPassword(secret: KubeObject | undefined): boolean {
  const bytes = observedPasswordBytes(secret);
  return bytes !== undefined && !spiloSafePassword(bytes);
}

/** The condition type, present only while the Secret's password is unusable. */
export const REST_API_SECRET_CONDITION = 'PatroniApiSecretValid';

/**
 * `PatroniApiSecretValid` False while `<cluster>-patroni-api` holds a password Spilo cannot read back.
 * The message names the Secret and key but not the offending character: status is readable by many
 * who may not read Secrets.
 */
export function restApiSecretCondition(
  cluster: { name: string },
  secrets: Readonly<Record<string, KubeObject>>,
): ConditionInput | undefined {
  const name = clusterNames(cluster).restApiSecret;
  if (!unusableRestApiPassword(secrets[name])) return undefined;
  return {
    type: REST_API_SECRET_CONDITION,
    status: 'False',
    reason: 'PasswordNotUsable',
    message:
      `Secret ${name} data.password cannot reach Patroni: the kubelet pastes it verbatim into ` +
      'SPILO_CONFIGURATION, where a double quote, a backslash, a control character ' +
      '(U+0000-U+001F, U+007F-U+009F), U+FFFE, U+FFFF or bytes that are not UTF-8 ' +
      'stop Spilo from starting or change the password. Members already running keep working; a ' +
      'member that starts now fails to start, so pgmeta starts no rollout until then. Put a password of letters, digits, "-" and "_" into the ' +
      'Secret, or delete it and pgmeta creates it again with its derived password; then restart the ' +
      `members one at a time (docs/security.md, "Patroni's REST API").`,
  };
}
