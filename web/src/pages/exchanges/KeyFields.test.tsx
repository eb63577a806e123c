import { act } from "react";
import { describe, expect, it, vi } from "vitest";
import { render } from "../../test/dom";
import { EXCHANGES } from "./exchanges";
import { KeyFields } from "./KeyFields";

const exchange = (id: string) => EXCHANGES.find((x) => x.id === id)!;

/** Types into a React-controlled field the way a user does (React listens for the native input event). */
function type(field: HTMLInputElement | HTMLTextAreaElement, text: string) {
  const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(field), "value")!.set!;
  act(() => {
    setter.call(field, text);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

describe("KeyFields", () => {
  it.each(["binance", "coinbase"])("keeps %s's key and secret out of the browser's memory", async (id) => {
    const host = await render(<KeyFields exchange={exchange(id)} values={{ apiKey: "", secret: "" }} onChange={() => undefined} disabled />);
    const key = host.querySelector<HTMLInputElement>('[name="api-key"]')!;
    const secret = host.querySelector<HTMLInputElement | HTMLTextAreaElement>('[name="secret"]')!;
    expect(secret.tagName).toBe(id === "coinbase" ? "TEXTAREA" : "INPUT");
    for (const field of [key, secret]) {
      expect(field.getAttribute("autocomplete")).toBe("off");
      expect(field.getAttribute("autocapitalize")).toBe("off");
      expect(field.getAttribute("spellcheck")).toBe("false");
      expect(field.required).toBe(true);
      expect(field.disabled).toBe(true);
      expect(document.getElementById(field.getAttribute("aria-describedby")!)).not.toBeNull();
      expect(host.querySelector(`label[for="${field.id}"]`)).not.toBeNull();
    }
    expect(key.type).toBe("password");
    if (id !== "coinbase") expect((secret as HTMLInputElement).type).toBe("password");
  });

  it("reports each field's typing with the other field's value kept", async () => {
    const onChange = vi.fn();
    const host = await render(<KeyFields exchange={exchange("coinbase")} values={{ apiKey: "k", secret: "s" }} onChange={onChange} />);
    type(host.querySelector<HTMLTextAreaElement>('[name="secret"]')!, "-----BEGIN EC PRIVATE KEY-----");
    expect(onChange).toHaveBeenLastCalledWith({ apiKey: "k", secret: "-----BEGIN EC PRIVATE KEY-----" });
    type(host.querySelector<HTMLInputElement>('[name="api-key"]')!, "organizations/1/apiKeys/2");
    expect(onChange).toHaveBeenLastCalledWith({ apiKey: "organizations/1/apiKeys/2", secret: "s" });
  });
});
