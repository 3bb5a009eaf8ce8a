import { BarChart, CustomChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only what this chart needs; imported when the readout draws it, never before.
echarts.use([BarChart, CustomChart, GridComponent, TooltipComponent, CanvasRenderer]);

export interface RateBar {
  name: string;
  rate: number;
  /** The 95% interval drawn as a whisker, or none. */
  interval: [number, number] | null;
}

/** Draws each group's rate as a bar with its interval as a whisker (percent); returns what removes the chart again. */
export function drawExperimentChart(element: HTMLDivElement, bars: RateBar[], dark: boolean): () => void {
  const chart = echarts.init(element, dark ? 'dark' : undefined, { renderer: 'canvas' });
  const percent = (x: number) => Math.round(x * 1000) / 10;
  const whiskers = bars.flatMap((b, i) => (b.interval ? [[i, percent(b.interval[0]), percent(b.interval[1])]] : []));
  chart.setOption({
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 56, right: 16, top: 16, bottom: 32 },
    tooltip: { trigger: 'axis', valueFormatter: (value: number) => `${value}%` },
    xAxis: { type: 'category', data: bars.map((b) => b.name) },
    yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
    series: [
      { type: 'bar', name: 'rate', data: bars.map((b) => percent(b.rate)), barMaxWidth: 64 },
      {
        type: 'custom',
        name: '95% interval',
        data: whiskers,
        z: 10,
        // A vertical line from low to high with a cap at each end.
        renderItem: (_params: unknown, api: { value: (i: number) => number; coord: (p: number[]) => number[] }) => {
          const [x, low] = api.coord([api.value(0), api.value(1)]) as [number, number];
          const [, high] = api.coord([api.value(0), api.value(2)]) as [number, number];
          const cap = 8;
          const style = { stroke: dark ? '#f1f3f5' : '#212529', lineWidth: 2 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: x, y1: low, x2: x, y2: high }, style },
              { type: 'line', shape: { x1: x - cap, y1: low, x2: x + cap, y2: low }, style },
              { type: 'line', shape: { x1: x - cap, y1: high, x2: x + cap, y2: high }, style },
            ],
          };
        },
      },
    ],
  });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(element);
  return () => {
    resize.disconnect();
    chart.dispose();
  };
}
