import { Box, Text, useComputedColorScheme } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';

/**
 * A chart drawn by a lazily imported module (ECharts stays out of the screen's chunk until it
 * draws), shown as an image with `summary` as its accessible name.
 */
export function DrawnChart({
  draw,
  summary,
  height,
}: {
  draw: (element: HTMLDivElement, dark: boolean) => Promise<() => void>;
  summary: string;
  height: number;
}) {
  const element = useRef<HTMLDivElement>(null);
  const dark = useComputedColorScheme('light') === 'dark';
  const [failed, setFailed] = useState<string>();
  useEffect(() => {
    let dispose: (() => void) | undefined;
    let cancelled = false;
    if (element.current)
      draw(element.current, dark)
        .then((done) => {
          if (cancelled) done();
          else dispose = done;
        })
        .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
      dispose?.();
    };
  }, [draw, dark]);
  if (failed) return <Text c="red">The chart could not be drawn: {failed}</Text>;
  return <Box ref={element} h={height} role="img" aria-label={summary} />;
}
