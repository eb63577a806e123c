import { useId } from "react";
import type { ExchangeInfo } from "./exchanges";

export interface KeyValues {
  apiKey: string;
  secret: string;
}

/**
 * The API key and secret inputs: never remembered by the browser (autocomplete off, password type), and the page
 * clears them after every submit. Coinbase's secret is a multi-line PEM private key, so it gets a textarea.
 */
export function KeyFields({ exchange, values, onChange, disabled }: { exchange: ExchangeInfo; values: KeyValues; onChange: (v: KeyValues) => void; disabled?: boolean }) {
  const id = useId();
  const unremembered = { autoComplete: "off", autoCapitalize: "off", spellCheck: false, required: true, disabled };
  const secret = {
    ...unremembered,
    id: `${id}-secret`,
    name: "secret",
    value: values.secret,
    onChange: (e: { target: { value: string } }) => onChange({ ...values, secret: e.target.value }),
    "aria-describedby": `${id}-secret-help`,
  };
  return (
    <>
      <label className="field" htmlFor={`${id}-key`}>
        <span>API key</span>
        <input
          {...unremembered}
          id={`${id}-key`}
          name="api-key"
          type="password"
          value={values.apiKey}
          onChange={(e) => onChange({ ...values, apiKey: e.target.value })}
          aria-describedby={`${id}-key-help`}
        />
        <small id={`${id}-key-help`}>{exchange.id === "coinbase" ? "The key name: organizations/…/apiKeys/…" : `The API key ${exchange.name} shows for the new key.`}</small>
      </label>
      <label className="field" htmlFor={`${id}-secret`}>
        <span>Secret</span>
        {exchange.multilineSecret ? <textarea {...secret} className="xc-secret" rows={6} /> : <input {...secret} type="password" />}
        <small id={`${id}-secret-help`}>
          {exchange.secretHelp} It goes straight into Coffer's vault and can never be shown again — not even to you.
        </small>
      </label>
    </>
  );
}
