import { HeatmapChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

// Only what a heatmap needs; imported when the dashboard draws the overlap.
echarts.use([HeatmapChart, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

/** Draws the Jaccard index of every pair of segments; returns what removes the chart again. */
export function drawOverlapHeatmap(element: HTMLDivElement, segments: string[], jaccard: number[][], dark: boolean): () => void {
  const chart = echarts.init(element, dark ? 'dark' : undefined, { renderer: 'canvas' });
  const cells = jaccard.flatMap((row, i) => row.map((value, j) => [j, i, value]));
  chart.setOption({
    backgroundColor: 'transparent',
    animation: false,
    grid: { left: 140, right: 16, top: 16, bottom: 100 },
    tooltip: {
      formatter: (params: { data: [number, number, number] }) =>
        `${segments[params.data[1]]} / ${segments[params.data[0]]}: Jaccard ${params.data[2].toFixed(2)}`,
    },
    xAxis: { type: 'category', data: segments, axisLabel: { rotate: 45 } },
    yAxis: { type: 'category', data: segments },
    visualMap: { min: 0, max: 1, show: false, inRange: { color: ['#e7f5ff', '#1864ab'] } },
    series: [{ type: 'heatmap', data: cells }],
  });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(element);
  return () => {
    resize.disconnect();
    chart.dispose();
  };
}
