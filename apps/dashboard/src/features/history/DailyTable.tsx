// A table of daily roll-ups, one row per source and day: Date, the source, then the columns a
// kind of summary shows (SummaryTable for scrapers, SchedulerTable for scheduled jobs).
import type { ReactNode } from "react";

export interface DailyColumn<Row> {
  header: string;
  cell(row: Row): ReactNode;
  /** Values that must stay on one line ("p50 / p95"). */
  nowrap?: boolean;
}

export function DailyTable<Row extends { source: string; date: string }>(props: {
  rows: readonly Row[];
  testId: string;
  sourceHeader: string;
  columns: readonly DailyColumn<Row>[];
  scroll?: boolean;
}) {
  return (
    <div className={props.scroll ? "table-wrap scroll" : "table-wrap"}>
      <table className="table" data-testid={props.testId}>
        <thead>
          <tr>
            <th>Date</th>
            <th>{props.sourceHeader}</th>
            {props.columns.map((column) => (
              <th key={column.header} className="num">
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={`${row.source}|${row.date}`}>
              <td className="mono nowrap">{row.date}</td>
              <td className="mono">{row.source}</td>
              {props.columns.map((column) => (
                <td key={column.header} className={column.nowrap ? "num nowrap" : "num"}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
