import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ERR_FORMAT_WRONG,
  ERR_NUMERIC,
  ERR_SUFFIX,
  Quantity,
  QuantityError,
  addQuantities,
  compareQuantities,
  formatQuantity,
  formatResourceList,
  parseQuantity,
  podRequests,
  sumQuantities,
  tryParseQuantity,
} from '../../src/apis/quantity.ts';

describe('parseQuantity', () => {
  // input, value (base units), milli, format, canonical string (Quantity.String())
  const cases: Array<[string | number, number, number, string, string]> = [
    ['500m', 0.5, 500, 'DecimalSI', '500m'],
    ['1', 1, 1000, 'DecimalSI', '1'],
    ['0', 0, 0, 'DecimalSI', '0'],
    ['0.5', 0.5, 500, 'DecimalSI', '500m'],
    ['.5', 0.5, 500, 'DecimalSI', '500m'],
    ['1.', 1, 1000, 'DecimalSI', '1'],
    ['1000m', 1, 1000, 'DecimalSI', '1'],
    ['1500m', 1.5, 1500, 'DecimalSI', '1500m'],
    ['2k', 2000, 2_000_000, 'DecimalSI', '2k'],
    ['10k', 10_000, 10_000_000, 'DecimalSI', '10k'],
    ['1.5G', 1.5e9, 1.5e12, 'DecimalSI', '1500M'],
    ['100M', 1e8, 1e11, 'DecimalSI', '100M'],
    ['1T', 1e12, 1e15, 'DecimalSI', '1T'],
    ['1E', 1e18, 1e21, 'DecimalSI', '1E'],
    ['128Mi', 134217728, 134217728000, 'BinarySI', '128Mi'],
    ['1Gi', 1073741824, 1073741824000, 'BinarySI', '1Gi'],
    ['1024Mi', 1073741824, 1073741824000, 'BinarySI', '1Gi'],
    ['2048Ki', 2097152, 2097152000, 'BinarySI', '2Mi'],
    ['1.5Gi', 1610612736, 1610612736000, 'BinarySI', '1536Mi'],
    ['1.5Ki', 1536, 1536000, 'BinarySI', '1536'],
    ['0.5Ki', 512, 512000, 'BinarySI', '512'],
    ['1025Ki', 1049600, 1049600000, 'BinarySI', '1025Ki'],
    ['1e3', 1000, 1_000_000, 'DecimalExponent', '1e3'],
    ['1E3', 1000, 1_000_000, 'DecimalExponent', '1e3'],
    ['1.5e3', 1500, 1_500_000, 'DecimalExponent', '1500'],
    ['12e1', 120, 120_000, 'DecimalExponent', '120'],
    ['1e-3', 0.001, 1, 'DecimalExponent', '1e-3'],
    ['1e+3', 1000, 1_000_000, 'DecimalExponent', '1e3'],
    // rounding: non-zero amounts round up to 1n; MilliValue rounds up
    ['1n', 1e-9, 1, 'DecimalSI', '1n'],
    ['0.0000000001', 1e-9, 1, 'DecimalSI', '1n'],
    ['1e-12', 1e-9, 1, 'DecimalExponent', '1e-9'],
    ['1u', 1e-6, 1, 'DecimalSI', '1u'],
    ['1.0001m', 0.0010001, 2, 'DecimalSI', '1000100n'],
    // signs and leading zeros
    ['+1', 1, 1000, 'DecimalSI', '1'],
    ['007', 7, 7000, 'DecimalSI', '7'],
    ['-1', -1, -1000, 'DecimalSI', '-1'],
    ['-1Ki', -1024, -1024000, 'BinarySI', '-1Ki'],
    ['-500m', -0.5, -500, 'DecimalSI', '-500m'],
    // surrounding whitespace is trimmed, as Quantity.UnmarshalJSON does
    [' 100m ', 0.1, 100, 'DecimalSI', '100m'],
    // JSON numbers
    [1, 1, 1000, 'DecimalSI', '1'],
    [0.5, 0.5, 500, 'DecimalSI', '500m'],
    [0.25, 0.25, 250, 'DecimalSI', '250m'],
    [1073741824, 1073741824, 1073741824000, 'DecimalSI', '1073741824'],
    [1e21, 1e21, 1e24, 'DecimalExponent', '1e21'],
    // BinarySI amounts are capped at int64's maximum
    ['8Ei', 9223372036854775807, 9223372036854775807000, 'BinarySI', '9223372036854775807'],
  ];
  for (const [input, value, milli, format, canonical] of cases) {
    test(`${JSON.stringify(input)} → ${canonical}`, () => {
      const q = parseQuantity(input);
      assert.equal(q.value, value);
      assert.equal(q.milli, milli);
      assert.equal(q.format, format);
      assert.equal(q.toString(), canonical);
      assert.equal(formatQuantity(input), canonical);
    });
  }

  test('keeps exact amounts as nano-units', () => {
    assert.equal(parseQuantity('1Ei').nano, 2n ** 60n * 1_000_000_000n);
    assert.equal(parseQuantity('100m').nano, 100_000_000n);
  });

  test('binary fractions below one print as decimal', () => {
    const q = parseQuantity('0.1Ki'); // 102.4
    assert.equal(q.format, 'BinarySI');
    assert.equal(q.toString(), '102400m');
  });

  const bad: Array<[string | number, string]> = [
    ['', ERR_FORMAT_WRONG],
    ['abc', ERR_FORMAT_WRONG],
    ['1Kb', ERR_FORMAT_WRONG],
    ['1 Gi', ERR_FORMAT_WRONG],
    ['1.2.3', ERR_FORMAT_WRONG],
    ['1e+3x', ERR_FORMAT_WRONG],
    ['1m1', ERR_SUFFIX],
    ['Gi1x', ERR_FORMAT_WRONG],
    [Number.NaN, ERR_FORMAT_WRONG],
    [Number.POSITIVE_INFINITY, ERR_FORMAT_WRONG],
    ['1K', ERR_SUFFIX],
    ['1Gm', ERR_SUFFIX],
    ['1e', ERR_SUFFIX],
    ['1mi', ERR_SUFFIX],
    ['1e999999999', ERR_NUMERIC],
  ];
  for (const [input, message] of bad) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseQuantity(input),
        (e: unknown) => e instanceof QuantityError && e.message === message,
      );
      assert.equal(tryParseQuantity(input), undefined);
    });
  }

  test("the format error is Kubernetes' own", () => {
    assert.throws(() => parseQuantity('lots'), {
      message: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    });
  });

  test('tryParseQuantity takes anything', () => {
    assert.equal(tryParseQuantity(undefined), undefined);
    assert.equal(tryParseQuantity({}), undefined);
    assert.equal(tryParseQuantity('2')?.value, 2);
    const q = parseQuantity('1');
    assert.equal(tryParseQuantity(q), q);
  });
});

describe('arithmetic and formatting', () => {
  test('sumQuantities keeps the format of the first non-zero operand', () => {
    assert.equal(sumQuantities('100m', '200m').toString(), '300m');
    assert.equal(sumQuantities('128Mi', '256Mi').toString(), '384Mi');
    assert.equal(sumQuantities('0', '1Gi', '500M').toString(), '1573741824');
    assert.equal(sumQuantities('500M', '1Gi').toString(), '1573741824');
    assert.equal(sumQuantities('1', 0.5).toString(), '1500m');
    assert.equal(sumQuantities().toString(), '0');
  });

  test('add, sub, cmp', () => {
    const a = parseQuantity('1');
    assert.equal(a.add('1000m').toString(), '2');
    assert.equal(a.sub('250m').toString(), '750m');
    assert.equal(a.cmp('1000m'), 0);
    assert.equal(a.cmp('1001m'), -1);
    assert.equal(compareQuantities('1Gi', '1G'), 1);
    assert.equal(compareQuantities('1e3', '1k'), 0);
    assert.ok(parseQuantity('0').isZero());
  });

  test('quantities serialise as their canonical string', () => {
    assert.equal(JSON.stringify({ cpu: parseQuantity('0.5') }), '{"cpu":"500m"}');
    assert.equal(`${parseQuantity('2048Mi')}`, '2Gi');
  });

  test('formatQuantity accepts a resource name first', () => {
    assert.equal(formatQuantity('cpu', parseQuantity('1500m')), '1500m');
    assert.equal(formatQuantity('memory', '1024Mi'), '1Gi');
    assert.equal(formatQuantity(new Quantity(1_000_000_000n, 'BinarySI')), '1');
  });

  test('addQuantities sums ResourceLists entry by entry (Node.allocated)', () => {
    const total = addQuantities([
      { cpu: '100m', memory: '128Mi' },
      { cpu: '0.5', memory: '1Gi', 'nvidia.com/gpu': '1' },
      null,
      undefined,
      { cpu: 1, memory: 'garbage' },
    ]);
    assert.deepEqual(formatResourceList(total), { cpu: '1600m', memory: '1152Mi', 'nvidia.com/gpu': '1' });
    assert.equal(total.cpu!.milli, 1600);
    assert.deepEqual(addQuantities([]), {});
  });

  test('podRequests: containers, init containers, sidecars, overhead, limits for missing requests', () => {
    const spec = {
      containers: [
        { name: 'a', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
        { name: 'b', resources: { limits: { cpu: '200m', memory: '64Mi' } } },
      ],
      initContainers: [
        { name: 'migrate', resources: { requests: { cpu: '1', memory: '32Mi' } } },
        { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '50m', memory: '16Mi' } } },
        { name: 'late', resources: { requests: { cpu: '100m', memory: '512Mi' } } },
      ],
      overhead: { cpu: '10m' },
    };
    // containers + sidecar = 350m / 144Mi; max(init 1 cpu, sidecar+late = 150m / 528Mi)
    assert.deepEqual(formatResourceList(podRequests(spec)), { cpu: '1010m', memory: '528Mi' });
    assert.deepEqual(podRequests(undefined), {});
  });
});
