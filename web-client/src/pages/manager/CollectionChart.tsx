// The collection chart (Chart.js): its own chunk, loaded by the dashboard only when the
// chart is on screen and the browser is idle (see charts.tsx), so Chart.js never holds up
// the dashboard's first paint. Only the bar chart's pieces are registered.
import { Bar } from "react-chartjs-2";
import { BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { formatRupiah } from "../../lib/format";

Chart.register(BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface CollectionChartProps {
  label: string;
  labels: string[];
  series: { label: string; data: number[]; color: string }[];
}

export default function CollectionChart({ label, labels, series }: CollectionChartProps) {
  return (
    <Bar
      aria-label={label}
      role="img"
      data={{
        labels,
        datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color })),
      }}
      options={{
        responsive: true,
        maintainAspectRatio: false,
        // Drawn once, where it settles: no frame-by-frame animation on a busy phone.
        animation: false,
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatRupiah(Number(c.raw))}` } } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0, callback: (v) => formatRupiah(Number(v)) } } },
      }}
    />
  );
}
