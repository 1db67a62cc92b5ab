/**
 * pg_hba lines for test/realpg/hba.test.ts: valid and invalid ones of every part of a rule. The
 * verdict is never written here: the real server of each major gives it. The generated lines are
 * fixed by their seeds, so test/unit/postgrescluster/spec/hba-verdicts.test.ts can keep pgmeta's
 * verdicts on the same lines in the fast suite.
 */
import fc from 'fast-check';

/** Lines whose verdict pgmeta must share with the server (weak methods allowed). */
export const COMPARED: readonly string[] = [
  // types and the Unix socket
  'local all all trust',
  'local all all peer',
  'local all all ident',
  'local all all peer map=omicron',
  'local replication standby trust',
  'local all all scram-sha-256',
  'local all all reject',
  'local all all gss',
  'local all all peer map=a,b',
  '"local" all all trust',
  'hostnossl all all all reject',
  'hostnogssenc all all all scram-sha-256',
  'hostgssenc all all all scram-sha-256',
  'hostssl all all all scram-sha-256',
  // missing fields
  'host',
  'host all',
  'host all all',
  'host all all all',
  'host all all 10.1.2.3',
  // addresses
  'host all all 10.0.0.0/8 scram-sha-256',
  'host all all 0.0.0.0/0 trust',
  'host all all ::/0 scram-sha-256',
  'host all all samehost md5',
  'host all all samenet password',
  'host all all 10.1.2.3 255.255.0.0 md5',
  'host all all 10.0.0.0 255.0.0 md5',
  'host all all ::1 ffff:ffff:: md5',
  'host all all 10.1.2.3 ffff:: md5',
  'host all all 10.1.2.3 md5',
  'host all all 10.0.0.0 255.0.0.0.0 md5',
  'host all all 10.0.0.0 example.com md5',
  'host all all 10.0.0.0/33 md5',
  'host all all 10.0.0.0/+8 md5',
  'host all all 10.0.0.0/8x md5',
  'host all all 10.0.0.0/ md5',
  'host all all 10/8 md5',
  'host all all 0x0a.0.0.0/8 md5',
  'host all all 012.0.0.0/8 md5',
  'host all all ::1/129 md5',
  'host all all ::1/128 md5',
  'host all all ::ffff:10.0.0.1/128 md5',
  'host all all 1::2::3/128 md5',
  'host all all db.example.com md5',
  'host all all .example.com md5',
  'host all all db.example.com/24 md5',
  'host all all "all" md5',
  'host all all 10.0.0.0/8,10.1.0.0/16 md5',
  'host all all 10.0.0.1/8 255.0.0.0 md5',
  // databases and users
  'host "all" all all md5',
  'host all,sameuser,samerole app all md5',
  'host replication standby 10.0.0.0/8 scram-sha-256',
  'host app,"my db" +admins,bob all scram-sha-256',
  'host all "@admins" all md5',
  'host "unterminated all all md5',
  'host app, shop all all md5',
  'host app ,shop all all md5',
  // methods
  'host all all all "md5"',
  'host all all all md5,trust',
  'host all all all trust',
  'host all all all password',
  'host all all all peer',
  'host all all all cert',
  'host all all all sspi',
  'host all all all bsd',
  'host all all all kerberos',
  'host all all all oauth issuer=https://issuer.example.com scope=openid',
  'host all all all md5 # a comment',
  'host all all all md5#comment',
  // options
  'host all all all md5 extra',
  'host all all all md5 foo=bar',
  'host all all all md5 =x',
  'host all all all md5 "x=y"',
  'host all all all scram-sha-256 map=x',
  'host all all all ident map=x',
  'host all all all reject foo',
  'hostssl all all all cert',
  'hostssl all all all cert map=certmap',
  'hostssl all all all cert clientcert=verify-ca',
  'hostssl all all all cert clientcert=verify-full',
  'hostssl all all all cert clientcert=no-verify',
  'hostssl all all all scram-sha-256 clientcert=verify-ca',
  'hostssl all all all scram-sha-256 clientcert=1',
  'hostssl all all all scram-sha-256 clientcert=0',
  'hostssl all all all scram-sha-256 clientcert=no-verify',
  'hostssl all all all scram-sha-256 clientcert=maybe',
  'host all all all scram-sha-256 clientcert=verify-full',
  'hostssl all all all cert clientname=DN',
  'hostssl all all all cert clientname=XX',
  'host all all all cert clientname=CN',
  'hostssl all all all scram-sha-256 clientcert=verify-full clientname=CN',
  'host all all all md5 include_realm=0',
  'host all all all md5 pamservice=x',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=s',
  'host all all all radius radiusservers="127.0.0.1, 127.0.0.2" radiussecrets=s',
  'host all all all radius radiusservers="127.0.0.1,127.0.0.2" radiussecrets="a,b,c"',
  'host all all all radius radiusservers="127.0.0.1,127.0.0.2" radiussecrets="a,b"',
  'host all all all radius radiusservers=127.0.0.1',
  'host all all all radius radiussecrets=s',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=s radiusports=0',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=s radiusports=1812',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=s radiusports=abc',
  'host all all all radius radiusservers=127.0.0.1,127.0.0.2 radiussecrets=s',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=s radiusidentifiers="a,b"',
  'host all all all radius radiusservers="127.0.0.1,,127.0.0.2" radiussecrets=s',
  'host all all all radius radiusservers="" radiussecrets=s',
  // SplitGUCList: blanks around items, a bare item runs to a blank or a comma (quotes and other spaces included)
  'host all all all radius "radiusservers=127.0.0.1,  127.0.0.2" radiussecrets=s',
  'host all all all radius "radiusservers=127.0.0.1  ,127.0.0.2" radiussecrets=s',
  'host all all all radius "radiusservers=127.0.0.1,127.0.0.2 x" radiussecrets=s',
  'host all all all radius "radiusservers=127.0.0.1,""127.0.0.2""" radiussecrets=s',
  'host all all all radius radiusservers=127.0.0.1 "radiussecrets=a""b"',
  'host all all all radius "radiusservers=127.0.0.1,127.0.0.2" "radiussecrets=a""b"",c"',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=s "radiusidentifiers=a\u00a0b"',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=s radiusports=05',
  'host all all all radius radiusservers=127.0.0.1 radiussecrets=s radiusports=x5',
  'host all all all radius "radiusservers=127.0.0.1,127.0.0.2" "radiussecrets=s3cret!,_x"',
  'host all all all radius "radiusservers=127.0.0.1,127.0.0.2" radiussecrets=s radiusports=',
  // methods the embedded build lacks but Spilo's has: the server can only say so
  'host all all all gss include_realm=0 krb_realm=EXAMPLE.COM',
  'host all all all pam pamservice=postgresql',
  'host all all all ldap ldapserver=ldap.example.com ldapbasedn="dc=example,dc=com"',
  // regular expressions (16 and newer; refused before by policy)
  'host all /^app.*$ all md5',
  'host /^(shop|app)$ all all md5',
  'host all /(unclosed all md5',
  'host all /a** all md5',
  'host all /a|*b all md5',
  'host all /+a all md5',
  'host all /a)( all md5',
];

/** Lines pgmeta refuses by policy whatever the server says (./hba.test.ts checks the message is pgmeta's). */
export const POLICY: readonly string[] = [
  'host all all 10.0.0.256 md5',
  'host all all 1:2:3:4:5:6:7:8:9 md5',
  'host all all fe80::1%lo md5',
  'host all all foo!bar md5',
  'host all @admins all md5',
  'host all all all md5 \\',
  'host /^db_[0-9]+$ all all md5',
  'host all all all md5 \u0001',
];

/**
 * Regular expressions over the characters pgmeta allows in them (hba/policy.ts `REGEX_SUBSET`),
 * fixed by a seed: within the subset the hook and the server must agree on which ones compile.
 */
export function subsetRegexLines(): string[] {
  const chars = ['a', 'b', '1', '_', '.', '-', '^', '$', '|', '(', ')', '*', '+', '?'];
  const patterns = fc.sample(fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 6 }), {
    numRuns: 600,
    seed: 42,
  });
  return [...new Set(patterns.map((p) => `host all /${p.join('')} all md5`))];
}

/**
 * Database and user fields of quotes, commas, blanks, tabs, `#` and `+`, fixed by a seed: the
 * tokenizer must split them as the server does (which decides whether the rest of the line is where
 * the parser expects it). `@` is left out: it names a file.
 */
export function tokenizerLines(): string[] {
  const field = fc.array(fc.constantFrom('a', 'B', '"', ',', ' ', '\t', '#', '+', 'x'), {
    minLength: 1,
    maxLength: 8,
  });
  const lines = fc.sample(fc.tuple(field, field), { numRuns: 600, seed: 3 });
  return [...new Set(lines.map(([d, u]) => `host ${d.join('')} ${u.join('')} all md5`))];
}

/** Tokens shaped like addresses: dotted parts in every base, hex groups with `::`, CIDR lengths. */
function addressTokens(): fc.Arbitrary<string> {
  const anyChars = fc
    .array(fc.constantFrom('0', '1', '2', '5', '9', 'a', 'f', 'x', '.', ':', '/', '+', '-'), {
      minLength: 1,
      maxLength: 14,
    })
    .map((t) => t.join(''));
  const v4 = fc
    .array(fc.constantFrom('0', '1', '10', '255', '256', '0x1f', '0x', '010', '08', '65535', '4294967295'), {
      minLength: 1,
      maxLength: 5,
    })
    .map((p) => p.join('.'));
  const v6 = fc
    .array(fc.constantFrom('', '0', '1', 'ffff', 'fffff', 'g', '1.2.3.4', '01.2.3.4'), {
      minLength: 2,
      maxLength: 9,
    })
    .map((p) => p.join(':'));
  const bits = fc.constantFrom('', '/0', '/8', '/+8', '/-0', '/32', '/33', '/128', '/129', '/', '/8x');
  return fc.oneof(
    anyChars,
    fc.tuple(fc.oneof(v4, v6), bits).map(([a, b]) => a + b),
  );
}

export function addressLines(): string[] {
  const tokens = fc.sample(addressTokens(), { numRuns: 500, seed: 7 });
  return [...new Set(tokens)].flatMap((t) => [
    `host all all ${t} md5`,
    `host all all ${t} 255.0.0.0 md5`,
    `host all all ${t} ffff:: md5`,
  ]);
}
