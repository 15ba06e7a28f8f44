import * as assert from 'node:assert/strict';
import { describeExpiry, formatDuration } from '../../src/shared/expiry';

suite('expiry wording', () => {
  test('durations', () => {
    assert.equal(formatDuration(0), '0 s');
    assert.equal(formatDuration(59_400), '59 s');
    assert.equal(formatDuration(60_000), '1 min');
    assert.equal(formatDuration(12 * 60_000 + 10_000), '12 min');
    assert.equal(formatDuration(3 * 3_600_000 + 5 * 60_000), '3 h 5 min');
    assert.equal(formatDuration(2 * 3_600_000), '2 h');
    assert.equal(formatDuration(5 * 86_400_000), '5 days');
  });

  test('expires in, expired ago, unknown', () => {
    assert.equal(describeExpiry(1_000 + 12 * 60_000, 1_000), 'expires in 12 min');
    assert.equal(describeExpiry(1_000, 1_000 + 3 * 60_000), 'expired 3 min ago');
    assert.equal(describeExpiry(undefined, 1_000), 'expiry unknown');
  });
});
