/*
 * vdso.s: the kernel's vDSO, a tiny shared object mapped into the Go
 * program, so that its clock reads are function calls, not system calls.
 * The runtime looks up __vdso_clock_gettime and __vdso_gettimeofday with
 * version LINUX_2.6 (runtime/vdso_linux_amd64.go) and calls them with the
 * System V ABI on its system stack.
 *
 * The time is the kernel's TSC clock (kernel/clock): ns = (TSC - tsc0) *
 * mult >> 32 since boot, plus the boot's wall-clock time for
 * CLOCK_REALTIME. The kernel fills vdso_data when it maps the image; a
 * clock the data cannot serve falls back to the real system call.
 */
	.set SYS_CLOCK_GETTIME, 228
	.set SYS_GETTIMEOFDAY, 96

	.text
	.globl __vdso_clock_gettime
	.type __vdso_clock_gettime, @function
/* int __vdso_clock_gettime(clockid_t clk, struct timespec *ts) */
__vdso_clock_gettime:
	leaq	vdso_data(%rip), %r8
	cmpq	$0, 16+24(%r8)		/* valid */
	je	1f
	cmpl	$7, %edi
	ja	1f
	movl	$1, %eax
	movl	%edi, %ecx
	shll	%cl, %eax
	testl	$0xF3, %eax		/* 0,1,4,5,6,7: realtime, monotonic, raw, coarse, boottime */
	jz	1f
	call	nanotime		/* rax = ns since boot */
	movl	%edi, %ecx
	cmpl	$0, %ecx
	je	2f
	cmpl	$5, %ecx
	jne	3f
2:	addq	16+16(%r8), %rax	/* CLOCK_REALTIME(_COARSE): add the boot's wall time */
3:	xorl	%edx, %edx
	movl	$1000000000, %ecx
	divq	%rcx
	movq	%rax, (%rsi)
	movq	%rdx, 8(%rsi)
	xorl	%eax, %eax
	ret
1:	movl	$SYS_CLOCK_GETTIME, %eax
	syscall
	ret
	.size __vdso_clock_gettime, .-__vdso_clock_gettime

	.globl __vdso_gettimeofday
	.type __vdso_gettimeofday, @function
/* int __vdso_gettimeofday(struct timeval *tv, struct timezone *tz) */
__vdso_gettimeofday:
	leaq	vdso_data(%rip), %r8
	cmpq	$0, 16+24(%r8)
	je	1f
	testq	%rdi, %rdi
	jz	2f
	call	nanotime
	addq	16+16(%r8), %rax
	xorl	%edx, %edx
	movl	$1000000000, %ecx
	divq	%rcx			/* rax = seconds, rdx = nanoseconds */
	movq	%rax, (%rdi)
	movq	%rdx, %rax
	xorl	%edx, %edx
	movl	$1000, %ecx
	divq	%rcx
	movq	%rax, 8(%rdi)		/* microseconds */
2:	testq	%rsi, %rsi
	jz	3f
	movq	$0, (%rsi)		/* UTC, no DST */
3:	xorl	%eax, %eax
	ret
1:	movl	$SYS_GETTIMEOFDAY, %eax
	syscall
	ret
	.size __vdso_gettimeofday, .-__vdso_gettimeofday

/* nanotime: rax = (rdtsc - tsc0) * mult >> 32. Uses rax, rcx, rdx, r9;
 * r8 points at vdso_data. */
nanotime:
	rdtsc
	shlq	$32, %rdx
	orq	%rdx, %rax
	subq	16+0(%r8), %rax
	mulq	16+8(%r8)		/* rdx:rax = delta * mult */
	shrdq	$32, %rdx, %rax
	ret

	/* Filled by the kernel: found by its magic, so its place in the
	 * image does not matter. The image is mapped read-only. */
	.section .rodata
	.balign 16
vdso_data:
	.ascii	"GKVDSODATA\0\0\0\0\0\0"	/* 16-byte magic */
	.quad	0	/* +0  tsc0 */
	.quad	0	/* +8  mult: ns = (tsc - tsc0) * mult >> 32 */
	.quad	0	/* +16 wall-clock ns at tsc0 */
	.quad	0	/* +24 valid: nonzero when the kernel filled this in */
