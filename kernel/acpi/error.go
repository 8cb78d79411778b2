package acpi

// Error is the package's error type, in the manner of syscall.Errno: a
// small integer whose zero value means success. The functions return an
// Error, not the error interface, because boxing a value in an interface
// is what the ring-0 rules forbid. Error implements error for hosted
// callers: convert only a non-zero Error, since a boxed OK is a non-nil
// error.
type Error uint8

// Errors.
const (
	OK              Error = iota // success
	ErrShort                     // fewer bytes than the structure's fixed fields
	ErrSignature                 // the signature is not the expected one
	ErrChecksum                  // the bytes do not sum to zero (see the package doc)
	ErrLength                    // a Length field below the minimum or past the bytes given
	ErrNoRoot                    // the RSDP gives neither an RSDT nor an XSDT address
	ErrRead                      // the Reader gave no view, or too short a one
	ErrEntryLength               // a MADT entry's length is below 2 or runs past the table
	ErrEntryShort                // a MADT entry is too short for its type's fields
	ErrAddressSpace              // a register is in an address space that cannot be used
	ErrNotFound                  // no such table, or no \_S5 package
	ErrAML                       // the \_S5 package is malformed or not plain integers
	ErrNilArgument               // a nil pointer or Reader
)

// Error describes e.
//
//go:nosplit
func (e Error) Error() string {
	switch e {
	case OK:
		return "acpi: ok"
	case ErrShort:
		return "acpi: structure too short for its fields"
	case ErrSignature:
		return "acpi: wrong signature"
	case ErrChecksum:
		return "acpi: checksum mismatch"
	case ErrLength:
		return "acpi: length field invalid or past the bytes given"
	case ErrNoRoot:
		return "acpi: RSDP gives neither an RSDT nor an XSDT"
	case ErrRead:
		return "acpi: table not readable"
	case ErrEntryLength:
		return "acpi: MADT entry length below 2 or past the table"
	case ErrEntryShort:
		return "acpi: MADT entry too short for its type"
	case ErrAddressSpace:
		return "acpi: register in an unusable address space"
	case ErrNotFound:
		return "acpi: not found"
	case ErrAML:
		return "acpi: \\_S5 package malformed or not integers"
	case ErrNilArgument:
		return "acpi: nil argument"
	}
	return "acpi: unknown error"
}
