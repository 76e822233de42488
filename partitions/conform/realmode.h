/* Shared by probe_realmode.c and realmode.S: where the real-mode snippet
 * runs (CS = 0, below 64 KiB) and where it leaves its results. */
#ifndef CONFORM_REALMODE_H
#define CONFORM_REALMODE_H

#define REALMODE_BASE 0x9000     /* the snippet, copied here */
#define REALMODE_IVT 0x9800      /* its own IVT (LIDT base in real mode) */
#define REALMODE_STACK 0x9E00    /* SS:SP = 0:this */
#define REALMODE_RESULTS 0x9F00  /* struct realmode_results */
#define REALMODE_VECTOR 0x42     /* the INT it raises */
#define REALMODE_SEGMENT 0x0900  /* ES for the segmentation check: linear 0x9000 + offset */
#define REALMODE_SEG_OFFSET 0x0F80 /* -> linear 0x9F80 */
#define REALMODE_SEG_MARK 0xBEEF

#endif
