/** Reading the project's Markdown as GitHub renders it: files, relative links, heading anchors, code blocks. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** README.md and every Markdown file under docs/, as repository-relative paths. */
export function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.md') ? [p] : [];
    });
  return ['README.md', ...walk('docs')].sort();
}

/** The text outside fenced code blocks (links inside code are examples, not links). */
export function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Inline link targets `[text](target)` that are relative (no scheme, not a bare anchor of another site). */
export function relativeLinks(markdown: string): string[] {
  const out: string[] = [];
  for (const m of prose(markdown)
    .replace(/`[^`\n]*`/g, '')
    .matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) out.push(target);
  }
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-', repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .toLowerCase()
      .replace(/<[^>]+>/g, '')
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Fenced code blocks of one language, with the line they start on. */
export function codeBlocks(markdown: string, lang: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const re = new RegExp('^```' + lang + '\\s*\\n([\\s\\S]*?)^```\\s*$', 'gm');
  for (const m of markdown.matchAll(re)) {
    out.push({ line: markdown.slice(0, m.index).split('\n').length, text: m[1]! });
  }
  return out;
}

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}
