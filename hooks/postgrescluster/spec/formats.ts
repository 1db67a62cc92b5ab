/**
 * The string formats the generated spec schema uses beyond ajv-formats, and the CEL rules that
 * `scripts/gen-schema.ts` turns into them.
 *
 * Why formats: ajv cannot run CEL, but `isQuantity()` is a pure format check, so the generator
 * expresses exactly those rules as `format: quantity` and ajv reports them with the CRD's message.
 * Every other rule has a TypeScript mirror in validate.ts.
 */
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { isQuantity } from '../../lib/quantity.js';

/** CEL rules that the generated schema expresses as `format: quantity` on the string they apply to. */
export const QUANTITY_FORMAT_RULES: readonly string[] = [
  'isQuantity(self)',
  'type(self) == int || isQuantity(self)',
];

/** Annotation the generator puts next to `format: quantity`: the CRD rule's message, for ajv errors. */
export const FORMAT_MESSAGE_KEYWORD = 'x-pgmeta-format-message';

const IPV4 = fullFormats.ipv4 as RegExp;
const IPV6 = fullFormats.ipv6 as RegExp;

/**
 * A CIDR as Kubernetes' `cidr` format and Service validation accept it (Go `net.ParseCIDR`):
 * an IPv4 or IPv6 address, `/`, and a prefix length without leading zeros.
 */
export function isCidr(value: string): boolean {
  const slash = value.lastIndexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix)) return false;
  const bits = Number(prefix);
  if (IPV4.test(address)) return bits <= 32;
  return !address.includes('%') && IPV6.test(address) && bits <= 128;
}

/** Formats registered on the spec validator, by name. */
export const CUSTOM_FORMATS = {
  quantity: { type: 'string', validate: isQuantity },
  cidr: { type: 'string', validate: isCidr },
} as const;
