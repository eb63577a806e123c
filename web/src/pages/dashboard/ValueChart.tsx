import { AreaSeries, ColorType, createChart, TickMarkType, type IChartApi, type ISeriesApi, type UTCTimestamp } from "lightweight-charts";
import { useEffect, useRef } from "react";
import type { SeriesPoint } from "./series";

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/**
 * The value history as an area chart (lightweight-charts). The canvas is hidden from assistive technology; the caller
 * gives the same information in words. The TradingView logo is off because it injects an inline <style> (the CSP
 * refuses it); the licence's link to tradingview.com is given as text under the chart instead.
 */
export function ValueChart({ series, formatValue, short }: { series: SeriesPoint[]; formatValue: (v: number) => string; short: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const area = useRef<ISeriesApi<"Area"> | null>(null);
  const format = useRef(formatValue);
  format.current = formatValue;
  const showTimes = useRef(short);
  showTimes.current = short;

  useEffect(() => {
    if (!box.current) {
      return;
    }
    const text = cssVar("--muted", "#4a5163");
    const border = cssVar("--border", "#d5d9e2");
    const accent = cssVar("--accent", "#1f4fd1");
    const c = createChart(box.current, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: "transparent" }, textColor: text, attributionLogo: false, fontFamily: "system-ui, sans-serif" },
      grid: { vertLines: { visible: false }, horzLines: { color: border } },
      rightPriceScale: { borderVisible: false },
      timeScale: {
        borderVisible: false,
        timeVisible: true,
        secondsVisible: false,
        // Over weeks the axis names days: a tick inside a day (where the snapshots are hourly) would repeat its date.
        tickMarkFormatter: (_time: unknown, type: TickMarkType) => (!showTimes.current && type >= TickMarkType.Time ? "" : null),
      },
      localization: { priceFormatter: (v: number) => format.current(v) },
      handleScroll: { vertTouchDrag: false },
      crosshair: { horzLine: { labelVisible: true } },
    });
    area.current = c.addSeries(AreaSeries, {
      lineColor: accent,
      lineWidth: 2,
      topColor: `${accent}55`,
      bottomColor: `${accent}05`,
      priceLineVisible: false,
    });
    chart.current = c;
    return () => {
      c.remove();
      chart.current = null;
      area.current = null;
    };
  }, []);

  useEffect(() => {
    area.current?.setData(series.map((p) => ({ time: p.time as UTCTimestamp, value: p.value })));
    chart.current?.applyOptions({ timeScale: { timeVisible: short } });
    chart.current?.timeScale().fitContent();
  }, [series, short]);

  return <div ref={box} className="chart-box" aria-hidden="true" />;
}
