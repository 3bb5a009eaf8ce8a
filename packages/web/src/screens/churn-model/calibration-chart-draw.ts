import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only what this chart needs; imported when the churn model page draws it, never before.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface CalibrationPoint {
  decile: number;
  n: number;
  meanPredicted: number;
  observedRate: number;
}

/** Draws predicted against observed churn per decile into `element`; returns what removes the chart again. */
export function drawCalibrationChart(element: HTMLDivElement, points: CalibrationPoint[], dark: boolean): () => void {
  const chart = echarts.init(element, dark ? 'dark' : undefined, { renderer: 'canvas' });
  const percent = (x: number) => Math.round(x * 1000) / 10;
  chart.setOption({
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (value: number) => `${value}%` },
    xAxis: { type: 'category', name: 'decile', data: points.map((p) => String(p.decile)) },
    yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
    series: [
      { type: 'bar', name: 'observed churn', data: points.map((p) => percent(p.observedRate)) },
      { type: 'line', name: 'predicted', data: points.map((p) => percent(p.meanPredicted)) },
    ],
  });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(element);
  return () => {
    resize.disconnect();
    chart.dispose();
  };
}
