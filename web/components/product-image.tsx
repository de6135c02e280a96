// Product pictures are the catalog's own SVGs: vector, a few KB each, served as they are from
// web/public. A plain <img> with its intrinsic size (so nothing shifts while it loads), lazy
// below the fold and high priority where it is likely the largest paint. next/image would
// serve SVGs unoptimized anyway and adds a client component (~6 KB gzip) to every page using it.

export function ProductImage(props: { src: string; alt: string; size: number; priority?: boolean; className?: string }) {
  return (
    <img
      src={props.src}
      alt={props.alt}
      width={props.size}
      height={props.size}
      className={props.className}
      decoding="async"
      loading={props.priority ? "eager" : "lazy"}
      fetchPriority={props.priority ? "high" : "auto"}
    />
  );
}
