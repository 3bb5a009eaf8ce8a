import { ScatterChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only what a scatter plot with threshold lines needs; imported when the Health page draws it.
echarts.use([ScatterChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export interface QuadrantPoint {
  groupId: string;
  value: number;
  health: number;
  quadrant: string;
}

/** Draws accounts by value (x) and health (y), one series per quadrant, with the thresholds as lines; returns the disposal. */
export function drawQuadrant(
  element: HTMLDivElement,
  points: QuadrantPoint[],
  thresholds: { highValue: number; healthy: number; poorHealth: number },
  dark: boolean,
): () => void {
  const chart = echarts.init(element, dark ? 'dark' : undefined, { renderer: 'canvas' });
  const quadrants = [...new Set(points.map((p) => p.quadrant))].sort();
  chart.setOption({
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 48, right: 16, top: 16, bottom: 40 },
    tooltip: {
      trigger: 'item',
      formatter: (params: { data: [number, number, string] }) =>
        `${params.data[2]}<br/>value ${params.data[0].toFixed(0)}, health ${params.data[1].toFixed(0)}`,
    },
    xAxis: { type: 'value', name: 'value', nameLocation: 'middle', nameGap: 24, min: 0, max: 100 },
    yAxis: { type: 'value', name: 'health', min: 0, max: 100 },
    series: quadrants.map((quadrant, index) => ({
      type: 'scatter',
      name: quadrant,
      symbolSize: 8,
      data: points.filter((p) => p.quadrant === quadrant).map((p) => [p.value, p.health, p.groupId]),
      ...(index === 0
        ? {
            markLine: {
              silent: true,
              symbol: 'none',
              lineStyle: { type: 'dashed' },
              data: [{ xAxis: thresholds.highValue }, { yAxis: thresholds.healthy }, { yAxis: thresholds.poorHealth }],
            },
          }
        : {}),
    })),
  });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(element);
  return () => {
    resize.disconnect();
    chart.dispose();
  };
}
