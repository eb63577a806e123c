import { CopyButton } from "../../components/CopyButton";
import { Loading } from "../../components/Loading";
import { EGRESS_UNKNOWN, EGRESS_UNSET, type Egress } from "./exchanges";

/** The address to allow-list on a new exchange key, to copy exactly; or why there is none to give. */
export function AllowListAddress({ egress, loading }: { egress: Egress; loading: boolean }) {
  switch (egress.kind) {
    case "known":
      return (
        <div className="row xc-ip">
          <span className="mono">{egress.ip}</span>
          <CopyButton value={egress.ip} label="Copy address" />
        </div>
      );
    case "unset":
      return <p className="notice notice-warn">{EGRESS_UNSET}</p>;
    default:
      return loading ? <Loading label="Reading Coffer's outgoing address…" /> : <p>{EGRESS_UNKNOWN}</p>;
  }
}
