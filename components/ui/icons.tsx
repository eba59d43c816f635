import type { SVGProps } from "react";

// Small stroke icons drawn inline: system fonts lack some symbols (⏸ renders as a box on Linux).

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ size = 16, children, ...rest }: IconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden
      {...rest}
    >
      {children}
    </svg>
  );
}

export const CheckIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M3 8.5l3.2 3.2L13 4.8" />
  </Svg>
);
export const CrossIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Svg>
);
export const CircleIcon = (p: IconProps) => (
  <Svg strokeWidth={1.5} {...p}>
    <circle cx="8" cy="8" r="4.5" />
  </Svg>
);
export const PauseIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M5.5 3.5v9M10.5 3.5v9" />
  </Svg>
);
export const BanIcon = (p: IconProps) => (
  <Svg strokeWidth={1.5} {...p}>
    <circle cx="8" cy="8" r="5.5" />
    <path d="M4.2 11.8l7.6-7.6" />
  </Svg>
);
export const SkipIcon = (p: IconProps) => (
  <Svg strokeWidth={1.5} {...p}>
    <path d="M3 8h9M9 5l3 3-3 3" />
  </Svg>
);
export const AlertIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 3.5v5.5M8 12.2v.3" />
  </Svg>
);
export const ChevronIcon = (p: IconProps) => (
  <Svg strokeWidth={1.75} {...p}>
    <path d="M6 3.5L10.5 8 6 12.5" />
  </Svg>
);
