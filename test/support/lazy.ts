/**
 * A fixture built on first use inside a test, not while the test file loads: a bug in the hook code
 * that builds it then fails named assertions instead of the whole suite, and mutation testing sees
 * which test used it (code run while a file loads is covered by no test).
 */
export function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
