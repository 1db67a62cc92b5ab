/**
 * ETags for hook responses, so Metacontroller's webhook `etag` cache can skip the response body.
 *
 * With `webhook.etag.enabled`, Metacontroller remembers the last 200 body and its `ETag` per parent
 * (kind/namespace/name), sends that tag back in `If-None-Match`, and on a 304 reuses the remembered
 * body. The tag is therefore a strong validator of the exact bytes: a 304 must only ever be sent when
 * the 200 would have been byte-identical, or Metacontroller would apply a stale desired state.
 *
 * Status code: RFC 9110 §13.1.2 calls for 412 when If-None-Match fails on a POST and for 304 on a
 * GET. Metacontroller v4.17.2 accepts either one, and only when it sent If-None-Match, and reuses
 * its remembered body for both (pkg/hooks/webhook_etag.go `webhookExecutorEtag.isStatusSupported`
 * and `adjustResponse`). We answer 304: a hook call is a pure computation of the request that
 * changes nothing on the server, i.e. it behaves like a GET.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'express';

/** The strong ETag of a response body: a quoted, unpadded base64url SHA-256 of its exact bytes. */
export function etagOf(body: string | Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/**
 * The entity tags of an `If-None-Match` field value: `'*'`, the opaque tags (quotes included, any
 * `W/` prefix removed: If-None-Match compares weakly), or undefined when the value is not the
 * RFC 9110 grammar `"*" / #entity-tag`. A malformed value is ignored as a whole, so it can only ever
 * cost a full response, never a wrong 304.
 */
export function parseIfNoneMatch(value: string): '*' | string[] | undefined {
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  const tags: string[] = [];
  let i = 0;
  while (i < trimmed.length) {
    i = skipListSeparators(trimmed, i);
    if (i >= trimmed.length) break;
    const end = entityTagEnd(trimmed, i);
    if (end === undefined) return undefined;
    const tag = trimmed.slice(i, end);
    tags.push(tag.startsWith('W/') ? tag.slice(2) : tag);
    i = skipOws(trimmed, end);
    if (i < trimmed.length && trimmed[i] !== ',') return undefined;
  }
  return tags.length > 0 ? tags : undefined;
}

/** Index after an entity-tag that starts at `start`, or undefined when none starts there. */
function entityTagEnd(s: string, start: number): number | undefined {
  const open = s.startsWith('W/', start) ? start + 2 : start;
  if (s[open] !== '"') return undefined;
  for (let i = open + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (!isEtagc(c)) return undefined;
  }
  return undefined;
}

/** `etagc = %x21 / %x23-7E / obs-text` (obs-text is %x80-FF). */
function isEtagc(c: number): boolean {
  return c === 0x21 || (c >= 0x23 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
}

/** Skips optional whitespace and the commas of a list, which may have empty elements (RFC 9110 §5.6.1). */
function skipListSeparators(s: string, i: number): number {
  let j = i;
  while (j < s.length && (s[j] === ',' || s[j] === ' ' || s[j] === '\t')) j++;
  return j;
}

function skipOws(s: string, i: number): number {
  let j = i;
  while (j < s.length && (s[j] === ' ' || s[j] === '\t')) j++;
  return j;
}

/**
 * Whether an `If-None-Match` value makes the request's condition false for a response with `etag`
 * (RFC 9110 §13.1.2): `*` matches any current representation; otherwise any listed tag matches by
 * weak comparison (opaque tags equal character by character, `W/` ignored on both sides).
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = parseIfNoneMatch(header);
  if (tags === undefined) return false;
  if (tags === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  return tags.includes(opaque);
}

/**
 * Sends a successful hook answer with its ETag: `304 Not Modified` with no body when the request's
 * `If-None-Match` matches, else `200` with the JSON. Only for 200 answers: errors never carry an ETag
 * (RFC 9110 §13.2.1: a response that would not be 2xx ignores preconditions). Returns the status sent.
 */
export function sendWithEtag(
  res: Response,
  o: { payload: string; ifNoneMatch: string | undefined },
): 200 | 304 {
  const etag = etagOf(o.payload);
  res.set('ETag', etag);
  if (ifNoneMatchMatches(o.ifNoneMatch, etag)) {
    res.status(304).end();
    return 304;
  }
  res.status(200).type('application/json').send(o.payload);
  return 200;
}
