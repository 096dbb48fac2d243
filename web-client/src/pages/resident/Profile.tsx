import { useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../../gql";
import { logout } from "../../auth/session";
import { appErrorOf } from "../../lib/errors";
import { useSession } from "../../auth/useSession";
import { Button, Card, ErrorNote, Loading, Page } from "../../ui/kit";

const ProfileQuery = graphql(`
  query Profile($residentId: ID!) {
    resident(id: $residentId) {
      id
      fullName
      phone
      email
      units {
        id
        number
        type
        block {
          id
          name
        }
        occupancies {
          id
          relation
          resident {
            id
            fullName
          }
        }
      }
    }
  }
`);

export function Profile() {
  const { t } = useTranslation();
  const session = useSession();
  const residentId = session?.residentId ?? "";
  const [{ data, fetching, error }] = useQuery({ query: ProfileQuery, variables: { residentId }, pause: !residentId });
  if (fetching && !data) return <Loading />;
  const r = data?.resident;
  return (
    <Page title={t("profile.title")}>
      <ErrorNote error={appErrorOf(error)} />
      {r && (
        <Card>
          <p className="text-lg font-semibold">{r.fullName}</p>
          <dl className="mt-2 grid grid-cols-[auto,1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-700">{t("profile.phone")}</dt>
            <dd>{r.phone ?? "-"}</dd>
            <dt className="text-slate-700">{t("profile.email")}</dt>
            <dd>{r.email ?? "-"}</dd>
          </dl>
        </Card>
      )}
      {r?.units.map((u) => (
        <Card key={u.id} title={`${u.block.name} · ${t("bills.unit", { unit: u.number })}`}>
          <h3 className="text-sm font-medium text-slate-800">{t("profile.household")}</h3>
          <ul className="mt-1 space-y-1 text-sm">
            {u.occupancies.map((o) => (
              <li key={o.id} className="flex justify-between">
                <span>{o.resident.fullName}</span>
                <span className="text-slate-700">{t(`relation.${o.relation}`)}</span>
              </li>
            ))}
          </ul>
        </Card>
      ))}
      <Button variant="secondary" onClick={() => void logout()}>
        {t("common.signOut")}
      </Button>
    </Page>
  );
}
