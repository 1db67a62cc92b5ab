/**
 * The SpecValid condition's message back into field errors: the hook joins `path: message` pairs
 * with "; " (hooks/postgrescluster/status/index.ts `specValid`); a pair starts at a field path.
 */
export function splitSpecErrors(
  c: { status: string; message?: string } | undefined,
): { path: string; message: string }[] {
  if (c?.status !== 'False' || !c.message) return [];
  return c.message.split(/; (?=(?:spec|metadata)[.[][^:]*: )/).map((part) => {
    const i = part.indexOf(': ');
    return i < 0 ? { path: '', message: part } : { path: part.slice(0, i), message: part.slice(i + 2) };
  });
}
