import { describe, expect, it } from "vitest";
import { button, click, render } from "../test/dom";
import { Pager, useCursorPages } from "./Pager";

/** A list paged by numeric ids, as the access log is: the cursor of each page is shown, and the next page's is 10 lower. */
function IdPaged() {
  const pages = useCursorPages<number>();
  const next = (pages.cursor ?? 100) - 10;
  return (
    <>
      <output>{pages.cursor ?? "first"}</output>
      <Pager page={pages.page} hasNext={next > 70} onPrevious={pages.previous} onNext={() => pages.next(next)} previousLabel="Newer" nextLabel="Older" />
    </>
  );
}

describe("Pager", () => {
  it("is a named navigation with Previous and Next, and Previous is off on the first page", async () => {
    const host = await render(<Pager page={0} hasNext onPrevious={() => undefined} onNext={() => undefined} label="Trades pages" />);
    expect(host.querySelector("nav")?.getAttribute("aria-label")).toBe("Trades pages");
    expect(button(host, "Previous").disabled).toBe(true);
    expect(button(host, "Next").disabled).toBe(false);
    expect(host.querySelector('[aria-live="polite"]')?.textContent).toBe("Page 1");
  });

  it("walks numeric cursors forward and back under the caller's labels", async () => {
    const host = await render(<IdPaged />);
    const at = () => host.querySelector("output")?.textContent;
    expect(at()).toBe("first");
    await click(button(host, "Older"));
    expect(at()).toBe("90");
    await click(button(host, "Older"));
    expect(at()).toBe("80");
    expect(host.querySelector('[aria-live="polite"]')?.textContent).toBe("Page 3");
    expect(button(host, "Older").disabled).toBe(true);
    await click(button(host, "Newer"));
    await click(button(host, "Newer"));
    expect(at()).toBe("first");
    expect(button(host, "Newer").disabled).toBe(true);
  });
});
