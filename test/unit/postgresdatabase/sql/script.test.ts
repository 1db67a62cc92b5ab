import { renderPsql, sql, sqlWith, type Step } from '../../../../hooks/postgresdatabase/sql/script';

describe('renderPsql', () => {
  it('renders every kind of step the way psql reads it', () => {
    const steps: Step[] = [
      { kind: 'getenv', variable: 'pgmeta_password_0', env: 'PGMETA_PASSWORD_0' },
      sql('BEGIN'),
      sqlWith('ALTER ROLE "a" WITH PASSWORD ', { psqlVariable: 'pgmeta_password_0' }),
      { kind: 'gexec', query: 'SELECT \'CREATE ROLE "a"\'' },
      { kind: 'connect', database: 'shop' },
      { kind: 'if', variable: 'pgmeta_x', condition: 'true', steps: [sql('SELECT 1')] },
    ];
    expect(renderPsql(steps, ['first line', 'second\nline']).split('\n')).toEqual([
      '-- first line',
      '-- second line',
      '\\set ON_ERROR_STOP on',
      '\\getenv pgmeta_password_0 PGMETA_PASSWORD_0',
      'BEGIN;',
      'ALTER ROLE "a" WITH PASSWORD :\'pgmeta_password_0\';',
      'SELECT \'CREATE ROLE "a"\' \\gexec',
      `\\connect '"dbname=''shop''"'`,
      'SELECT (true) AS pgmeta_x \\gset',
      '\\if :pgmeta_x',
      'SELECT 1;',
      '\\endif',
      '',
    ]);
  });

  it.each([
    [{ kind: 'getenv', variable: 'Bad-Name', env: 'X' }],
    [{ kind: 'getenv', variable: 'ok', env: 'lower' }],
    [{ kind: 'sql', parts: [{ psqlVariable: "x'; DROP" }] }],
    [{ kind: 'if', variable: 'a b', condition: 'true', steps: [] }],
  ] as Step[][])('refuses names psql would read differently: %j', (step) => {
    expect(() => renderPsql([step], [])).toThrow(/invalid/);
  });
});
