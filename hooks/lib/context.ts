/**
 * Everything impure a hook needs, handed in by the HTTP layer so the hooks stay pure functions of
 * (request, context): same request, same answer (docs/cluster.md "Rules that keep data safe").
 */
/**
 * Container images by key and the pull Secrets every rendered pod gets, as the install configured them
 * (one place: the hook service's images file). What the keys mean is the renderers' business.
 */
export interface ImageSettings {
  images: Readonly<Record<string, string>>;
  pullSecrets: readonly string[];
}

export interface HookContext {
  /** RFC 3339 time of this request; used only for a condition that changes in this very request. */
  now: string;
  /** The operator key (at least 32 bytes) from which missing credentials are derived (rule 6). */
  operatorKey: Uint8Array;
  /** The install's images; absent means pgmeta's built-in defaults. */
  images?: ImageSettings;
}
