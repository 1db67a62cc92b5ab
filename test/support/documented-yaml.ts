/**
 * Every piece of YAML the project ships or documents, as text: the files under examples/, docs/,
 * manifests/, composite-controllers/, crds/ and test/golden/, the README's ```yaml blocks, and the
 * heredocs that the README's shell blocks and the e2e scenarios feed to `kubectl apply -f -`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** One YAML text and where it comes from (`file` or `file:line`). */
export interface YamlSource {
  name: string;
  text: string;
}

/** Folders whose YAML files users apply or read (docs/ once it exists), and the goldens. */
export const YAML_DIRS = ['examples', 'docs', 'manifests', 'composite-controllers', 'crds', 'test/golden'];

function yamlFilesUnder(dir: string): string[] {
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(abs, f))
    .sort();
}

/** Removes the indentation every non-blank line shares (blocks inside list items are indented). */
export function dedent(text: string): string {
  const lines = text.split('\n');
  const widths = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const cut = widths.length === 0 ? 0 : Math.min(...widths);
  return lines.map((l) => l.slice(cut)).join('\n');
}

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** The ```yaml blocks of a Markdown text, each with the line it starts on. */
export function markdownYamlBlocks(text: string): { line: number; text: string }[] {
  const fence = /^([ \t]*)```ya?ml[ \t]*\n([\s\S]*?)^[ \t]*```[ \t]*$/gm;
  return [...text.matchAll(fence)].map((m) => ({ line: lineOf(text, m.index), text: dedent(m[2]!) }));
}

/** Heredocs (`<<EOF`, `<<'YAML'`...) of a shell or Markdown text that hold Kubernetes objects. */
export function heredocs(text: string): { line: number; text: string }[] {
  const doc = /<<-?\s*(['"]?)([A-Za-z_]+)\1[^\n]*\n([\s\S]*?)^[ \t]*\2[ \t]*$/gm;
  return [...text.matchAll(doc)]
    .map((m) => ({ line: lineOf(text, m.index), text: dedent(m[3]!) }))
    .filter((d) => /^(apiVersion|kind):/m.test(d.text));
}

function fromText(file: string, blocks: { line: number; text: string }[]): YamlSource[] {
  return blocks.map((b) => ({ name: `${file}:${b.line}`, text: b.text }));
}

/** Every YAML source, named by path relative to the repository (and line for embedded ones). */
export function documentedYaml(): YamlSource[] {
  const files = YAML_DIRS.flatMap(yamlFilesUnder).map((f) => ({
    name: relative(ROOT, f),
    text: readFileSync(f, 'utf8'),
  }));
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const markdown = [
    ...fromText('README.md', markdownYamlBlocks(readme)),
    ...fromText('README.md', heredocs(readme)),
  ];
  const scripts = readdirSync(join(ROOT, 'test', 'e2e'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.sh'))
    .sort()
    .flatMap((f) => fromText(`test/e2e/${f}`, heredocs(readFileSync(join(ROOT, 'test', 'e2e', f), 'utf8'))));
  const docs = existsSync(join(ROOT, 'docs')) ? markdownInDocs() : [];
  return [...files, ...markdown, ...docs, ...scripts];
}

/** The YAML blocks and heredocs of docs/*.md. */
function markdownInDocs(): YamlSource[] {
  const dir = join(ROOT, 'docs');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .sort()
    .flatMap((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      return fromText(`docs/${f}`, [...markdownYamlBlocks(text), ...heredocs(text)]);
    });
}
