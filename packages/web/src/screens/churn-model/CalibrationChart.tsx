import { Box, useComputedColorScheme } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { ErrorState } from '../../shell/PageState';
import type { CalibrationPoint } from './calibration-chart-draw';

const height = 240;

/** Predicted against observed churn by decile of predicted risk; ECharts loads when it is drawn. */
export function CalibrationChart({ points }: { points: CalibrationPoint[] }) {
  const element = useRef<HTMLDivElement>(null);
  const dark = useComputedColorScheme('light') === 'dark';
  const [failed, setFailed] = useState<string>();
  useEffect(() => {
    let dispose: (() => void) | undefined;
    let cancelled = false;
    import('./calibration-chart-draw')
      .then(({ drawCalibrationChart }) => {
        if (!cancelled && element.current) dispose = drawCalibrationChart(element.current, points, dark);
      })
      .catch((error: unknown) => setFailed(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
      dispose?.();
    };
  }, [points, dark]);
  if (failed) return <ErrorState title="Could not load the chart; reload the page" error={failed} />;
  const summary = points
    .map((p) => `decile ${p.decile}: predicted ${(p.meanPredicted * 100).toFixed(1)}%, observed ${(p.observedRate * 100).toFixed(1)}%`)
    .join('; ');
  return <Box ref={element} h={height} role="img" aria-label={`Calibration by decile: ${summary}`} />;
}
