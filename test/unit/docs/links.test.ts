/**
 * Every relative link in README.md and docs/ resolves: the file exists, and a `#anchor` names a heading
 * of that file as GitHub renders it. A page moved or a heading renamed fails here, not on a reader.
 */
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { anchors, markdownFiles, read, relativeLinks } from '../../support/markdown';

describe('relative links in the documentation', () => {
  const files = markdownFiles();

  it('finds the pages', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/security.md', 'docs/api/README.md']));
  });

  it.each(files)('%s has no broken relative link', (file) => {
    const broken: string[] = [];
    for (const link of relativeLinks(read(file))) {
      const [path, anchor] = link.split('#', 2) as [string, string | undefined];
      const target = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
      if (!existsSync(target)) broken.push(`${link}: no file ${target}`);
      else if (anchor !== undefined && target.endsWith('.md') && !anchors(read(target)).has(anchor)) {
        broken.push(`${link}: no heading #${anchor} in ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('the link reader itself', () => {
  it('sees relative links and anchors, and skips absolute links and code', () => {
    const md =
      '# A title\n\nSee [x](docs/a.md#b-c) and [y](https://e.org) and `[z](no.md)`.\n\n```\n[w](code.md)\n```\n';
    expect(relativeLinks(md)).toEqual(['docs/a.md#b-c']);
    expect([...anchors('## B, c!\n## B, c!\n### `spec.x` field')]).toEqual(['b-c', 'b-c-1', 'specx-field']);
  });
});
