/** `npm run gen:docs`: writes docs/api/ from crds/ (see scripts/api-docs.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderApiReference } from './api-docs.js';

const outDir = join('docs', 'api');
mkdirSync(outDir, { recursive: true });
for (const page of renderApiReference('crds')) {
  writeFileSync(join(outDir, page.file), page.content);
  console.log(`wrote ${join(outDir, page.file)}`);
}
