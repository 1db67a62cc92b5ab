import { lagReaches, reportedLag } from '../../../../hooks/postgrescluster/status/lag';

const MiB = 1_048_576;

describe('replication lag as the status reports it', () => {
  it.each([
    [0, 0],
    [900_000, 0],
    [MiB - 1, 0],
    [MiB, MiB],
    [2 * MiB - 1, MiB],
    [3 * MiB + 12_345, 2 * MiB],
    [16 * MiB, 16 * MiB],
    [Number.NaN, 0],
  ])('%d bytes → %d', (bytes, reported) => {
    expect(reportedLag(bytes)).toBe(reported);
  });

  it.each([
    [0, 0, false],
    [MiB, 0, true],
    [8 * MiB, 16 * MiB, false],
    [16 * MiB, 16 * MiB, true],
    [16 * MiB, 10 * MiB, true],
  ])('reported %d reaches the limit %d: %s', (reported, limit, reaches) => {
    expect(lagReaches(reported, limit)).toBe(reaches);
  });
});
