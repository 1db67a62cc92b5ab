/**
 * Loads a command's module when the command runs, so `pgmeta --help` and the offline commands do
 * not pay for the hooks' schema compilation or @kubernetes/client-node. `require` (not `import()`)
 * because the package is CommonJS and jest runs it without ESM support; client-node itself is ESM
 * and is imported with `import()` where it is needed (kube/client.ts).
 */
export function load(path: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path) as unknown;
}
