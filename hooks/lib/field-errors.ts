/**
 * Field errors with Kubernetes-style paths (`spec.storage.size`, `spec.tolerations[0].key`,
 * `spec.service.annotations[example.com/lb]`), collected rather than thrown so that a user sees
 * every problem of a spec at once.
 */

/** One problem with the spec, at a JSON field path. */
export interface FieldError {
  /** Path like `spec.storage.size`; array items as `[0]`, map keys that are not identifiers as `[key]`. */
  path: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Appends an object key or array index to a field path. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** Appends a CEL `fieldPath` such as `.storageClass` (relative to the rule's node) to a field path. */
export function appendFieldPath(base: string, fieldPath: string | undefined): string {
  if (fieldPath === undefined || fieldPath === '') return base;
  return fieldPath
    .split('.')
    .filter((part) => part !== '')
    .reduce((path, part) => childPath(path, part), base);
}

/** Converts an ajv `instancePath` (`/storage/size`, a JSON pointer) under `base` to a field path. */
export function pointerToPath(base: string, pointer: string): string {
  if (pointer === '') return base;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<string>(
      (path, token) => childPath(path, /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : token),
      base,
    );
}

/** Sorted by path then message, without duplicates: a stable order for status and tests. */
export function sortErrors(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  const unique = errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort((a, b) =>
    a.path === b.path ? (a.message < b.message ? -1 : 1) : a.path < b.path ? -1 : 1,
  );
}
