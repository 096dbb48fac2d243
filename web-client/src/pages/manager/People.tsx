import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { useTranslation } from "react-i18next";
import { graphql } from "../../gql";
import type { Relation, UnitType } from "../../gql/graphql";
import { appErrorOf, type AppError } from "../../lib/errors";
import { Button, Card, Empty, ErrorNote, Loading, Page, Select, TextField } from "../../ui/kit";

const UnitsQuery = graphql(`
  query Units($search: String, $after: String) {
    units(first: 25, after: $after, filter: { search: $search }) {
      nodes {
        id
        number
        type
        areaM2
        archived
        block {
          id
          name
        }
        residents {
          id
          fullName
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    blocks {
      id
      name
    }
  }
`);

const ResidentsQuery = graphql(`
  query Residents($search: String, $after: String) {
    residents(first: 25, after: $after, filter: { search: $search }) {
      nodes {
        id
        fullName
        phone
        email
        archived
        units {
          id
          number
          block {
            id
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const CreateUnitMutation = graphql(`
  mutation CreateUnit($input: CreateUnitInput!) {
    createUnit(input: $input) {
      id
    }
  }
`);

const ArchiveUnitMutation = graphql(`
  mutation ArchiveUnit($id: ID!) {
    archiveUnit(id: $id) {
      id
      archived
    }
  }
`);

const CreateResidentMutation = graphql(`
  mutation CreateResident($input: ResidentInput!) {
    createResident(input: $input) {
      id
    }
  }
`);

const ArchiveResidentMutation = graphql(`
  mutation ArchiveResident($id: ID!) {
    archiveResident(id: $id) {
      id
      archived
    }
  }
`);

const LinkMutation = graphql(`
  mutation LinkResident($input: LinkResidentInput!) {
    linkResident(input: $input) {
      id
    }
  }
`);

export function Units() {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, fetching, error }] = useQuery({ query: UnitsQuery, variables: { search: search || null, after } });
  const [, archive] = useMutation(ArchiveUnitMutation);
  const [actionError, setActionError] = useState<AppError | null>(null);
  const units = data?.units.nodes ?? [];
  return (
    <Page title={t("units.title")}>
      <CreateUnit blocks={data?.blocks ?? []} />
      <Card>
        <TextField label={t("units.search")} name="search" type="search" value={search} onChange={(e) => { setSearch(e.target.value); setAfter(null); }} />
      </Card>
      <ErrorNote error={appErrorOf(error) ?? actionError} />
      {fetching && !data ? (
        <Loading />
      ) : units.length === 0 ? (
        <Empty>{t("units.none")}</Empty>
      ) : (
        <Card>
          <div className="overflow-x-auto">
            <table className="w-full text-sm">
              <thead>
                <tr className="text-left">
                  <th scope="col" className="py-1">{t("units.unit")}</th>
                  <th scope="col" className="py-1">{t("units.type")}</th>
                  <th scope="col" className="py-1">{t("units.residents")}</th>
                  <th scope="col" className="py-1"><span className="sr-only">{t("common.actions")}</span></th>
                </tr>
              </thead>
              <tbody>
                {units.map((u) => (
                  <tr key={u.id} className="border-t border-slate-100">
                    <td className="py-2">{u.block.name} {u.number}{u.archived && ` (${t("common.archived")})`}</td>
                    <td className="py-2">{t(`unit.type.${u.type}`)} · {u.areaM2} m²</td>
                    <td className="py-2">{u.residents.map((r) => r.fullName).join(", ") || "-"}</td>
                    <td className="py-2 text-right">
                      {!u.archived && (
                        <Button
                          variant="secondary"
                          aria-label={t("units.archiveUnit", { unit: `${u.block.name} ${u.number}` })}
                          onClick={async () => {
                            if (!window.confirm(t("units.confirmArchive"))) return;
                            const r = await archive({ id: u.id });
                            setActionError(appErrorOf(r.error));
                          }}
                        >
                          {t("common.archive")}
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data?.units.pageInfo.hasNextPage && (
            <button type="button" className="mt-2 min-h-11 text-sm font-medium text-teal-800 underline" onClick={() => setAfter(data.units.pageInfo.endCursor ?? null)}>
              {t("common.next")}
            </button>
          )}
        </Card>
      )}
    </Page>
  );
}

function CreateUnit({ blocks }: { blocks: { id: string; name: string }[] }) {
  const { t } = useTranslation();
  const [blockId, setBlockId] = useState("");
  const [number, setNumber] = useState("");
  const [area, setArea] = useState("");
  const [type, setType] = useState<UnitType>("HOUSE");
  const [result, create] = useMutation(CreateUnitMutation);
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const r = await create({ input: { blockId: blockId || blocks[0]?.id || "", number, areaM2: area, type } });
    setError(appErrorOf(r.error));
    if (!r.error) {
      setDone(true);
      setNumber("");
    }
  }
  return (
    <Card title={t("units.create")}>
      <form onSubmit={submit} className="grid gap-3 md:grid-cols-4" noValidate>
        <Select label={t("units.block")} name="blockId" value={blockId} onChange={(e) => setBlockId(e.target.value)} options={blocks.map((b) => ({ value: b.id, label: b.name }))} error={error} />
        <TextField label={t("units.number")} name="number" value={number} onChange={(e) => setNumber(e.target.value)} error={error} />
        <TextField label={t("units.area")} name="areaM2" inputMode="decimal" value={area} onChange={(e) => setArea(e.target.value)} error={error} />
        <Select
          label={t("units.type")}
          name="type"
          value={type}
          onChange={(e) => setType(e.target.value as UnitType)}
          options={(["HOUSE", "APARTMENT", "SHOPHOUSE", "LAND"] as const).map((u) => ({ value: u, label: t(`unit.type.${u}`) }))}
        />
        <div className="md:col-span-4">
          <Button type="submit" disabled={result.fetching}>{t("units.createSubmit")}</Button>
          {done && <p role="status" className="mt-2 text-sm text-green-800">{t("units.created")}</p>}
          <ErrorNote error={error} fields={["blockId", "number", "areaM2"]} />
        </div>
      </form>
    </Card>
  );
}

export function Residents() {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, fetching, error }] = useQuery({ query: ResidentsQuery, variables: { search: search || null, after } });
  const [, archive] = useMutation(ArchiveResidentMutation);
  const [actionError, setActionError] = useState<AppError | null>(null);
  const [linking, setLinking] = useState<string | null>(null);
  const residents = data?.residents.nodes ?? [];
  return (
    <Page title={t("residents.title")}>
      <CreateResident />
      <Card>
        <TextField label={t("residents.search")} hint={t("residents.searchHint")} name="search" type="search" value={search} onChange={(e) => { setSearch(e.target.value); setAfter(null); }} />
      </Card>
      <ErrorNote error={appErrorOf(error) ?? actionError} />
      {fetching && !data ? (
        <Loading />
      ) : residents.length === 0 ? (
        <Empty>{t("residents.none")}</Empty>
      ) : (
        <Card>
          <ul className="divide-y divide-slate-100">
            {residents.map((r) => (
              <li key={r.id} className="py-3">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <div>
                    <p className="font-medium">{r.fullName}{r.archived && ` (${t("common.archived")})`}</p>
                    <p className="text-xs text-slate-700">
                      {[r.phone, r.email].filter(Boolean).join(" · ")}
                      {r.units.length > 0 && ` · ${r.units.map((u) => `${u.block.name} ${u.number}`).join(", ")}`}
                    </p>
                  </div>
                  {!r.archived && (
                    <div className="flex gap-2">
                      <Button variant="secondary" onClick={() => setLinking(linking === r.id ? null : r.id)}>{t("residents.link")}</Button>
                      <Button
                        variant="secondary"
                        aria-label={t("residents.archiveResident", { name: r.fullName })}
                        onClick={async () => {
                          if (!window.confirm(t("residents.confirmArchive"))) return;
                          const res = await archive({ id: r.id });
                          setActionError(appErrorOf(res.error));
                        }}
                      >
                        {t("common.archive")}
                      </Button>
                    </div>
                  )}
                </div>
                {linking === r.id && <LinkToUnit residentId={r.id} onDone={() => setLinking(null)} />}
              </li>
            ))}
          </ul>
          {data?.residents.pageInfo.hasNextPage && (
            <button type="button" className="mt-2 min-h-11 text-sm font-medium text-teal-800 underline" onClick={() => setAfter(data.residents.pageInfo.endCursor ?? null)}>
              {t("common.next")}
            </button>
          )}
        </Card>
      )}
    </Page>
  );
}

function LinkToUnit({ residentId, onDone }: { residentId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [{ data }] = useQuery({ query: UnitsQuery, variables: { search: search || null, after: null }, pause: search.length < 1 });
  const [unitId, setUnitId] = useState("");
  const [relation, setRelation] = useState<Relation>("TENANT");
  const [result, link] = useMutation(LinkMutation);
  const [error, setError] = useState<AppError | null>(null);
  const options = (data?.units.nodes ?? []).map((u) => ({ value: u.id, label: `${u.block.name} ${u.number}` }));
  async function submit(e: FormEvent) {
    e.preventDefault();
    const chosen = unitId || options[0]?.value || "";
    const r = await link({ input: { residentId, unitId: chosen, relation } });
    setError(appErrorOf(r.error));
    if (!r.error) onDone();
  }
  return (
    <form onSubmit={submit} className="mt-3 grid gap-3 rounded-lg bg-slate-50 p-3 md:grid-cols-4" noValidate>
      <TextField label={t("residents.findUnit")} name="unitSearch" value={search} onChange={(e) => setSearch(e.target.value)} />
      <Select label={t("residents.unit")} name="unitId" value={unitId} onChange={(e) => setUnitId(e.target.value)} options={options} error={error} />
      <Select
        label={t("residents.relation")}
        name="relation"
        value={relation}
        onChange={(e) => setRelation(e.target.value as Relation)}
        options={(["OWNER", "TENANT", "FAMILY"] as const).map((r) => ({ value: r, label: t(`relation.${r}`) }))}
      />
      <div className="flex items-end">
        <Button type="submit" disabled={result.fetching || options.length === 0}>{t("residents.linkSubmit")}</Button>
      </div>
      <div className="md:col-span-4"><ErrorNote error={error} fields={["unitId"]} /></div>
    </form>
  );
}

function CreateResident() {
  const { t } = useTranslation();
  const [fullName, setFullName] = useState("");
  const [phone, setPhone] = useState("");
  const [email, setEmail] = useState("");
  const [nik, setNik] = useState("");
  const [result, create] = useMutation(CreateResidentMutation);
  const [error, setError] = useState<AppError | null>(null);
  const [done, setDone] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const r = await create({
      input: { fullName, ...(phone ? { phone } : {}), ...(email ? { email } : {}), ...(nik ? { identityNumber: nik } : {}) },
    });
    setError(appErrorOf(r.error));
    if (!r.error) {
      setDone(true);
      setFullName("");
      setPhone("");
      setEmail("");
      setNik("");
    }
  }
  return (
    <Card title={t("residents.create")}>
      <form onSubmit={submit} className="grid gap-3 md:grid-cols-4" noValidate>
        <TextField label={t("residents.fullName")} name="fullName" value={fullName} onChange={(e) => setFullName(e.target.value)} error={error} />
        <TextField label={t("residents.phone")} name="phone" type="tel" value={phone} onChange={(e) => setPhone(e.target.value)} error={error} />
        <TextField label={t("residents.email")} name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} error={error} />
        <TextField label={t("residents.nik")} name="identityNumber" inputMode="numeric" value={nik} onChange={(e) => setNik(e.target.value)} error={error} />
        <div className="md:col-span-4">
          <Button type="submit" disabled={result.fetching}>{t("residents.createSubmit")}</Button>
          {done && <p role="status" className="mt-2 text-sm text-green-800">{t("residents.created")}</p>}
          <ErrorNote error={error} fields={["fullName", "phone", "email", "identityNumber"]} />
        </div>
      </form>
    </Card>
  );
}
