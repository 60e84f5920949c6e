"use client";

import { ChevronLeftIcon, ChevronRightIcon, InboxIcon, Loader2Icon } from "lucide-react";
import { useTranslations } from "next-intl";
import * as React from "react";

import { EmptyState } from "@/app/_components/empty-state";
import { Button } from "@/app/_components/ui/button";
import { Skeleton } from "@/app/_components/ui/skeleton";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@/app/_components/ui/table";
import { cn } from "@/app/_lib/utils";

/** The page shape every list procedure returns (STYLE 2.15: one cursor shape everywhere). */
export type CursorPage<T> = { items: T[]; nextCursor: string | null };

export type DataTableColumn<T> = {
  id: string;
  header: React.ReactNode;
  cell: (row: T) => React.ReactNode;
  align?: "left" | "right" | "center";
  /** Applied to the header and body cells of the column. */
  className?: string;
};

export type DataTablePagination =
  | {
      /** Appends pages (useInfiniteQuery): shown while the last page has a nextCursor. */
      mode: "load-more";
      onLoadMore: () => void;
      isLoadingMore?: boolean;
    }
  | {
      /** One page at a time; pair with useCursorPagination. */
      mode: "pages";
      onNext: (cursor: string) => void;
      onPrevious?: () => void;
      hasPrevious: boolean;
      pageIndex?: number;
    };

const ALIGN_CLASS = { left: "text-left", right: "text-right", center: "text-center" } as const;

export function DataTable<T>({
  columns,
  data,
  getRowId,
  isLoading = false,
  isFetching = false,
  error,
  loadingRows = 5,
  emptyState,
  pagination,
  caption,
  className,
}: {
  columns: DataTableColumn<T>[];
  /** One page, or every page so far (useInfiniteQuery's `data.pages`). Undefined while loading. */
  data: CursorPage<T> | readonly CursorPage<T>[] | undefined;
  getRowId: (row: T) => string;
  isLoading?: boolean;
  /** A refetch is under way: rows stay visible but dimmed. */
  isFetching?: boolean;
  error?: React.ReactNode;
  loadingRows?: number;
  emptyState?: React.ReactNode;
  pagination?: DataTablePagination;
  /** Screen-reader caption describing the table. */
  caption?: string;
  className?: string;
}) {
  const t = useTranslations("common");
  const pages = data === undefined ? [] : isPageList(data) ? data : [data];
  const rows = pages.flatMap((page) => page.items);
  const nextCursor = pages.at(-1)?.nextCursor ?? null;
  const showSkeleton = isLoading && rows.length === 0;

  if (!showSkeleton && !error && data !== undefined && rows.length === 0) {
    return <>{emptyState ?? <EmptyState icon={InboxIcon} title={t("table.empty")} />}</>;
  }

  return (
    <div data-slot="data-table" className={cn("grid gap-3", className)}>
      <div className="overflow-hidden rounded-lg border">
        <Table aria-busy={isLoading || isFetching}>
          {caption && <caption className="sr-only">{caption}</caption>}
          <TableHeader className="bg-muted/40">
            <TableRow className="hover:bg-transparent">
              {columns.map((column) => (
                <TableHead
                  key={column.id}
                  className={cn(
                    "px-3 text-muted-foreground",
                    ALIGN_CLASS[column.align ?? "left"],
                    column.className,
                  )}
                >
                  {column.header}
                </TableHead>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody className={cn(isFetching && !showSkeleton && "opacity-60 transition-opacity")}>
            {error ? (
              <TableRow className="hover:bg-transparent">
                <TableCell
                  colSpan={columns.length}
                  className="h-24 px-3 text-center whitespace-normal text-destructive"
                >
                  {error}
                </TableCell>
              </TableRow>
            ) : showSkeleton ? (
              Array.from({ length: loadingRows }, (_, i) => (
                <TableRow
                  key={i}
                  data-slot="data-table-skeleton-row"
                  className="hover:bg-transparent"
                >
                  {columns.map((column) => (
                    <TableCell key={column.id} className={cn("px-3", column.className)}>
                      <Skeleton
                        className={cn("h-4", column.align === "right" ? "ml-auto w-16" : "w-24")}
                      />
                    </TableCell>
                  ))}
                </TableRow>
              ))
            ) : (
              rows.map((row) => (
                <TableRow key={getRowId(row)}>
                  {columns.map((column) => (
                    <TableCell
                      key={column.id}
                      className={cn("px-3", ALIGN_CLASS[column.align ?? "left"], column.className)}
                    >
                      {column.cell(row)}
                    </TableCell>
                  ))}
                </TableRow>
              ))
            )}
          </TableBody>
        </Table>
      </div>
      {pagination && !error && (
        <PaginationControls pagination={pagination} nextCursor={nextCursor} />
      )}
    </div>
  );
}

function isPageList<T>(
  data: CursorPage<T> | readonly CursorPage<T>[],
): data is readonly CursorPage<T>[] {
  return Array.isArray(data);
}

function PaginationControls({
  pagination,
  nextCursor,
}: {
  pagination: DataTablePagination;
  nextCursor: string | null;
}) {
  const t = useTranslations("common");
  if (pagination.mode === "load-more") {
    if (!nextCursor) return null;
    return (
      <div className="flex justify-center">
        <Button
          variant="outline"
          size="sm"
          onClick={pagination.onLoadMore}
          disabled={pagination.isLoadingMore}
        >
          {pagination.isLoadingMore && <Loader2Icon className="animate-spin" aria-hidden />}
          {pagination.isLoadingMore ? t("table.loading") : t("table.loadMore")}
        </Button>
      </div>
    );
  }

  if (!pagination.hasPrevious && !nextCursor) return null;
  return (
    <nav aria-label={t("table.pagination")} className="flex items-center justify-end gap-2">
      {pagination.pageIndex !== undefined && (
        <span className="mr-auto text-sm text-muted-foreground">
          {t("table.page", { page: pagination.pageIndex + 1 })}
        </span>
      )}
      <Button
        variant="outline"
        size="sm"
        onClick={pagination.onPrevious}
        disabled={!pagination.hasPrevious}
      >
        <ChevronLeftIcon aria-hidden />
        {t("table.previous")}
      </Button>
      <Button
        variant="outline"
        size="sm"
        onClick={() => nextCursor && pagination.onNext(nextCursor)}
        disabled={!nextCursor}
      >
        {t("table.next")}
        <ChevronRightIcon aria-hidden />
      </Button>
    </nav>
  );
}

/**
 * Previous/Next over a forward-only cursor: keeps the cursors of the pages already visited.
 * Pass `cursor` to the query's input and spread `pagination` into <DataTable pagination>.
 */
export function useCursorPagination() {
  const [stack, setStack] = React.useState<(string | undefined)[]>([undefined]);
  const cursor = stack.at(-1);
  const reset = React.useCallback(() => setStack([undefined]), []);
  const pagination: DataTablePagination = {
    mode: "pages",
    onNext: (next) => setStack((s) => [...s, next]),
    onPrevious: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    hasPrevious: stack.length > 1,
    pageIndex: stack.length - 1,
  };
  return { cursor, pageIndex: stack.length - 1, pagination, reset };
}
