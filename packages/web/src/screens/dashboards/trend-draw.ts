import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only what a line chart needs; imported when the dashboard draws its trend.
echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** Draws one metric per day (null days as gaps); returns what removes the chart again. */
export function drawTrend(element: HTMLDivElement, points: Array<{ at: string; value: number | null }>, dark: boolean): () => void {
  const chart = echarts.init(element, dark ? 'dark' : undefined, { renderer: 'canvas' });
  chart.setOption({
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 56, right: 16, top: 16, bottom: 32 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: points.map((p) => p.at.slice(5)), boundaryGap: false },
    yAxis: { type: 'value', scale: true },
    series: [{ type: 'line', data: points.map((p) => p.value), connectNulls: false, showSymbol: points.length < 40 }],
  });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(element);
  return () => {
    resize.disconnect();
    chart.dispose();
  };
}
