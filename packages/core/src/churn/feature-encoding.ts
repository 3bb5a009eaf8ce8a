/** A feature's value for one example: a number, a category, or missing (null). */
export type FeatureValue = number | string | null;

/** One example: its features by name. */
export type FeatureRow = Readonly<Record<string, FeatureValue>>;

/** What a feature is: numbers are standardised, categories one-hot encoded. */
export interface FeatureSpec {
  name: string;
  kind: 'number' | 'category';
}

/** How one feature becomes input columns, learned from training examples (plain data, stored with the model). */
export type FeatureEncoding =
  { name: string; kind: 'number'; fill: number; missingColumn: boolean } | { name: string; kind: 'category'; categories: string[] };

/** Categories seen fewer times than this share the `(other)` column: too rare to learn from. */
export const minimumCategoryCount = 5;
/** At most this many categories of a feature get their own column, the most frequent first. */
export const maximumCategories = 20;
export const otherCategory = '(other)';
export const blankCategory = '(blank)';

const numberOf = (value: FeatureValue) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const categoryOf = (value: FeatureValue) => (value === null || value === '' ? blankCategory : String(value));

/**
 * Learns each feature's encoding. A missing number is filled with the training mean and flagged
 * in a `missing` column when the training data has any, so absence can carry signal of its own.
 */
export function learnEncodings(specs: readonly FeatureSpec[], rows: readonly FeatureRow[]): FeatureEncoding[] {
  return specs.map((spec): FeatureEncoding => {
    if (spec.kind === 'number') {
      const present = rows.map((row) => numberOf(row[spec.name] ?? null)).filter((v): v is number => v !== null);
      const fill = present.length === 0 ? 0 : present.reduce((a, b) => a + b, 0) / present.length;
      return { name: spec.name, kind: 'number', fill, missingColumn: present.length < rows.length };
    }
    const counts = new Map<string, number>();
    for (const row of rows) {
      const category = categoryOf(row[spec.name] ?? null);
      counts.set(category, (counts.get(category) ?? 0) + 1);
    }
    const categories = [...counts]
      .filter(([, count]) => count >= minimumCategoryCount)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, maximumCategories)
      .map(([category]) => category);
    return { name: spec.name, kind: 'category', categories: [...categories, otherCategory] };
  });
}

/** The input columns an encoding makes, each with the feature it belongs to. */
export function encodedColumns(encodings: readonly FeatureEncoding[]): Array<{ feature: string; column: string }> {
  return encodings.flatMap((encoding) =>
    encoding.kind === 'number'
      ? [
          { feature: encoding.name, column: encoding.name },
          ...(encoding.missingColumn ? [{ feature: encoding.name, column: `${encoding.name} is missing` }] : []),
        ]
      : encoding.categories.map((category) => ({ feature: encoding.name, column: `${encoding.name} = ${category}` })),
  );
}

/** One example as input columns, in the order of `encodedColumns`. */
export function encodeRow(encodings: readonly FeatureEncoding[], row: FeatureRow): number[] {
  return encodings.flatMap((encoding) => {
    const value = row[encoding.name] ?? null;
    if (encoding.kind === 'number') {
      const number = numberOf(value);
      const filled = number ?? encoding.fill;
      return encoding.missingColumn ? [filled, number === null ? 1 : 0] : [filled];
    }
    const category = categoryOf(value);
    const known = encoding.categories.includes(category) ? category : otherCategory;
    return encoding.categories.map((c) => (c === known ? 1 : 0));
  });
}

/** How a row's value of a feature reads in a contribution: the number, the category, or null when missing. */
export function displayedValue(encoding: FeatureEncoding, row: FeatureRow): FeatureValue {
  const value = row[encoding.name] ?? null;
  if (encoding.kind === 'number') return numberOf(value);
  return value === null || value === '' ? null : String(value);
}
