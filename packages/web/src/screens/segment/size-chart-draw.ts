import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only what a line chart on a canvas needs: the rest of ECharts stays out of the bundle. This
// module (with ECharts) is imported when a segment page draws its chart, never before.
echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

export interface SizePoint {
  day: string;
  size: number;
  entered: number;
  exited: number;
}

/** Draws the daily sizes into `element`; returns what removes the chart again. */
export function drawSizeChart(element: HTMLDivElement, points: SizePoint[], dark: boolean): () => void {
  const chart = echarts.init(element, dark ? 'dark' : undefined, { renderer: 'canvas' });
  chart.setOption({
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 56, right: 16, top: 16, bottom: 32 },
    tooltip: {
      trigger: 'axis',
      formatter: (params: Array<{ dataIndex: number }>) => {
        const p = points[params[0]?.dataIndex ?? 0];
        return p ? `${p.day}<br/>size ${p.size.toLocaleString('en')}<br/>+${p.entered} entered, −${p.exited} left` : '';
      },
    },
    xAxis: { type: 'category', data: points.map((p) => p.day.slice(5)), boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1, scale: true },
    series: [{ type: 'line', name: 'size', data: points.map((p) => p.size), showSymbol: false, areaStyle: { opacity: 0.12 } }],
  });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(element);
  return () => {
    resize.disconnect();
    chart.dispose();
  };
}
