import { EXCHANGES } from "../exchanges/exchanges";
import type { LimitsForm, LimitsFormErrors } from "./tokens";

/**
 * The trading-limit fields of a token or an OAuth app: exchanges, markets, maximum order value, price band and daily
 * volume cap. One component so both forms say the same thing in the same words; `id` prefixes the inputs' ids (the
 * form focuses the first bad field by `${id}-${field}`).
 */
export function TradingLimitsFields({ id, form, errors, onChange }: { id: string; form: LimitsForm; errors: LimitsFormErrors; onChange: (patch: Partial<LimitsForm>) => void }) {
  const set = <K extends keyof LimitsForm>(key: K, value: LimitsForm[K]) => onChange({ [key]: value } as Partial<LimitsForm>);
  const err = (key: keyof LimitsForm) =>
    errors[key] ? (
      <small id={`${id}-${key}-error`} className="tk-error">
        {errors[key]}
      </small>
    ) : null;
  const described = (key: keyof LimitsForm, help?: string) => [errors[key] ? `${id}-${key}-error` : "", help ?? ""].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset>
      <legend>Trading limits</legend>
      <p className="small muted">Orders outside these are refused before they reach an exchange. Values are in your currency.</p>
      <div className="tk-limits">
        <fieldset className="tk-exchanges">
          <legend>Exchanges (none ticked: any)</legend>
          {EXCHANGES.filter((x) => x.available).map((x) => (
            <label key={x.id} className="check">
              <input type="checkbox" checked={form.exchanges.includes(x.id)} onChange={(e) => set("exchanges", e.target.checked ? [...form.exchanges, x.id] : form.exchanges.filter((y) => y !== x.id))} />
              <span>{x.name}</span>
            </label>
          ))}
        </fieldset>
        <label className="field" htmlFor={`${id}-symbols`}>
          <span>Markets</span>
          <input id={`${id}-symbols`} autoComplete="off" autoCapitalize="characters" placeholder="BTC/USDT, ETH/USDT" value={form.symbols} onChange={(e) => set("symbols", e.target.value)} aria-invalid={Boolean(errors.symbols)} aria-describedby={described("symbols")} />
          {err("symbols")}
        </label>
        <label className="field" htmlFor={`${id}-maxOrderNotional`}>
          <span>Maximum order value</span>
          <input id={`${id}-maxOrderNotional`} inputMode="decimal" autoComplete="off" value={form.maxOrderNotional} onChange={(e) => set("maxOrderNotional", e.target.value)} aria-invalid={Boolean(errors.maxOrderNotional)} aria-describedby={described("maxOrderNotional")} />
          {err("maxOrderNotional")}
        </label>
        <label className="field" htmlFor={`${id}-priceBandPercent`}>
          <span>Price band (%)</span>
          <input id={`${id}-priceBandPercent`} inputMode="decimal" autoComplete="off" value={form.priceBandPercent} onChange={(e) => set("priceBandPercent", e.target.value)} aria-invalid={Boolean(errors.priceBandPercent)} aria-describedby={described("priceBandPercent", `${id}-band-help`)} />
          <small id={`${id}-band-help`}>How far from the market price a limit or trigger may be.</small>
          {err("priceBandPercent")}
        </label>
        <label className="field" htmlFor={`${id}-dailyVolumeCap`}>
          <span>Daily volume cap</span>
          <input id={`${id}-dailyVolumeCap`} inputMode="decimal" autoComplete="off" value={form.dailyVolumeCap} onChange={(e) => set("dailyVolumeCap", e.target.value)} aria-invalid={Boolean(errors.dailyVolumeCap)} aria-describedby={described("dailyVolumeCap")} />
          {err("dailyVolumeCap")}
        </label>
      </div>
    </fieldset>
  );
}
