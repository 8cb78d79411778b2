// Package usb is the host side of USB that needs no hardware: the
// standard descriptors and requests (Universal Serial Bus Specification
// 2.0, chapter 9), the hub class (USB 2.0 chapter 11; USB 3.2 chapter
// 10), and HID boot keyboards (Device Class Definition for HID 1.11 and
// the HID Usage Tables 1.4). A host controller driver (kernel/dev/xhci)
// moves the bytes; this package says what to send and what the answers
// mean.
//
// A USB keyboard is made to look like the 8042's: BootKeyboard turns
// its 8-byte reports into key presses and releases, Set1 turns those
// into the PS/2 scan code set 1 bytes that package keyboard decodes, and
// Repeat adds the typematic repeat that a PS/2 keyboard does itself and
// a USB keyboard leaves to the host. So layouts, Caps and Num Lock and
// everything downstream work unchanged. ScancodeStream puts the three
// together as a task.Stream[byte] over a stream of reports.
//
// Parsers are strict: a descriptor whose length or type is wrong, that
// runs past the bytes given or contradicts itself is refused with an
// error that says why, and no input makes them panic (fuzz_test.go).
//
// Ring 3, ordinary Go; it imports only the task packages.
package usb
