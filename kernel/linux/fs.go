package linux

// The file-system part of the ABI: the calls kernel/sys serves on the
// files of kernel/fs, their flags, struct stat and struct linux_dirent64.

// System call numbers (arch/x86/entry/syscalls/syscall_64.tbl).
const (
	SYS_STAT       = 4
	SYS_FSTAT      = 5
	SYS_LSTAT      = 6
	SYS_LSEEK      = 8
	SYS_PWRITE64   = 18
	SYS_ACCESS     = 21
	SYS_FSYNC      = 74
	SYS_FDATASYNC  = 75
	SYS_FTRUNCATE  = 77
	SYS_GETCWD     = 79
	SYS_CHDIR      = 80
	SYS_FCHDIR     = 81
	SYS_RENAME     = 82
	SYS_MKDIR      = 83
	SYS_RMDIR      = 84
	SYS_UNLINK     = 87
	SYS_READLINK   = 89
	SYS_CHMOD      = 90
	SYS_FCHMOD     = 91
	SYS_UMASK      = 95
	SYS_GETDENTS64 = 217
	SYS_MKDIRAT    = 258
	SYS_NEWFSTATAT = 262
	SYS_UNLINKAT   = 263
	SYS_RENAMEAT   = 264
	SYS_READLINKAT = 267
	SYS_FCHMODAT   = 268
	SYS_FACCESSAT  = 269
	SYS_UTIMENSAT  = 280
	SYS_RENAMEAT2  = 316
	SYS_PIPE       = 22
	SYS_PIPE2      = 293
	SYS_SPLICE     = 275
	SYS_FACCESSAT2 = 439
)

// More errno values (include/uapi/asm-generic/errno-base.h, errno.h).
const (
	ENXIO        Errno = 6
	ENFILE       Errno = 23
	EPIPE        Errno = 32
	EACCES       Errno = 13
	ENOTDIR      Errno = 20
	EISDIR       Errno = 21
	EFBIG        Errno = 27
	ESPIPE       Errno = 29
	EROFS        Errno = 30
	EXDEV        Errno = 18
	EMLINK       Errno = 31
	ERANGE       Errno = 34
	ENAMETOOLONG Errno = 36
	ENOTEMPTY    Errno = 39
	ELOOP        Errno = 40
	EOPNOTSUPP   Errno = 95
	EBUSY        Errno = 16
)

// open flags (include/uapi/asm-generic/fcntl.h; octal there).
const (
	O_ACCMODE   = 0x3
	O_CREAT     = 0x40
	O_EXCL      = 0x80
	O_NOCTTY    = 0x100
	O_TRUNC     = 0x200
	O_APPEND    = 0x400
	O_DIRECTORY = 0x10000
	O_NOFOLLOW  = 0x20000
	O_PATH      = 0x200000
	O_TMPFILE   = 0x400000 // __O_TMPFILE; O_TMPFILE adds O_DIRECTORY
)

// *at flags and the current directory (include/uapi/linux/fcntl.h).
const (
	AT_FDCWD            = -100
	AT_SYMLINK_NOFOLLOW = 0x100
	AT_REMOVEDIR        = 0x200
	AT_EACCESS          = 0x200
	AT_NO_AUTOMOUNT     = 0x800
	AT_EMPTY_PATH       = 0x1000

	RENAME_NOREPLACE = 1 // include/uapi/linux/fs.h
	RENAME_EXCHANGE  = 2
	RENAME_WHITEOUT  = 4
)

// lseek whence (include/uapi/linux/fs.h).
const (
	SEEK_SET  = 0
	SEEK_CUR  = 1
	SEEK_END  = 2
	SEEK_DATA = 3
	SEEK_HOLE = 4
)

// access modes (include/linux/fs.h: MAY_*; unistd.h: R_OK ...).
const (
	X_OK = 1
	W_OK = 2
	R_OK = 4
)

// File types and the utimensat specials (include/uapi/linux/stat.h).
const (
	S_IFMT   = 0o170000
	S_IFSOCK = 0o140000
	S_IFLNK  = 0o120000
	S_IFREG  = 0o100000
	S_IFDIR  = 0o040000
	S_IFCHR  = 0o020000
	S_IFIFO  = 0o010000

	UTIME_NOW  = (1 << 30) - 1
	UTIME_OMIT = (1 << 30) - 2
)

// Stat is struct stat on x86-64 (arch/x86/include/uapi/asm/stat.h), 144
// bytes.
type Stat struct {
	Dev       uint64
	Ino       uint64
	Nlink     uint64
	Mode      uint32
	UID       uint32
	GID       uint32
	_         uint32
	Rdev      uint64
	Size      int64
	Blksize   int64
	Blocks    int64
	Atime     Timespec
	Mtime     Timespec
	Ctime     Timespec
	_reserved [3]int64
}

const StatSize = 144

// Dirent64 is the fixed part of struct linux_dirent64
// (include/linux/dirent.h): d_ino, d_off, d_reclen, d_type, then the
// NUL-terminated name, the record padded to 8 bytes.
const (
	DirentHeader = 19
	DT_UNKNOWN   = 0
	DT_CHR       = 2
	DT_DIR       = 4
	DT_REG       = 8
	DT_LNK       = 10
)
