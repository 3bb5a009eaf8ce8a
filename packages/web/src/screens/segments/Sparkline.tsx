/** The drawing's size in CSS pixels; the empty slot before the data arrives takes the same room. */
export const sparklineSize = { width: 96, height: 24 } as const;
const pad = 2;

/** Points of a polyline through `values`, scaled to fill the box (a flat series is a line across the middle). */
export function sparklinePoints(values: number[], width: number = sparklineSize.width, height: number = sparklineSize.height): string {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const y = (v: number) => (max === min ? height / 2 : pad + ((max - v) / (max - min)) * (height - 2 * pad));
  return values.map((v, i) => `${(pad + i * step).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
}

/**
 * A segment's size over the last days as a small line, drawn as plain SVG (a chart library per
 * row of a 50-row table would cost more than the table). Screen readers read the label instead.
 */
export function Sparkline({ values, label }: { values: number[]; label?: string }) {
  const first = values[0] ?? 0;
  const last = values.at(-1) ?? 0;
  const { width, height } = sparklineSize;
  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={label ?? `Size over ${values.length} days: ${first.toLocaleString('en')} to ${last.toLocaleString('en')}`}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      <polyline points={sparklinePoints(values)} fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinejoin="round" />
    </svg>
  );
}

/** The room a sparkline takes, held while the sizes load or when they could not be read. */
export function SparklineSlot({ label }: { label: string }) {
  return <span className="sparkline sparkline-slot" role="img" aria-label={label} />;
}
