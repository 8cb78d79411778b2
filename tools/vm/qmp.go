package vm

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/digitalocean/go-qemu/qmp"
)

// QMP goes through github.com/digitalocean/go-qemu/qmp: its SocketMonitor
// does the greeting and capabilities handshake, matches replies to
// commands and turns QMP error replies into Go errors.

// qmpConnectTimeout bounds the wait for QEMU to create its socket; QEMU
// does that while parsing options, long before any firmware runs.
const qmpConnectTimeout = 10 * time.Second

// qmpCommandTimeout bounds dialing once the socket exists.
const qmpCommandTimeout = 30 * time.Second

// Monitor is a connected QMP session.
type Monitor struct {
	*qmp.SocketMonitor
}

func (v *VM) connectQMP(path string) error {
	deadline := time.Now().Add(qmpConnectTimeout)
	for {
		sm, err := qmp.NewSocketMonitor("unix", path, qmpCommandTimeout)
		if err == nil {
			if err := sm.Connect(); err != nil {
				return fmt.Errorf("QMP handshake: %w", err)
			}
			v.mu.Lock()
			v.mon = &Monitor{sm}
			v.mu.Unlock()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-v.done:
			return fmt.Errorf("QEMU exited before its QMP socket accepted: %w", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Execute runs command with args (nil for none) and returns the JSON of
// the reply's "return" member.
func (m *Monitor) Execute(command string, args any) (json.RawMessage, error) {
	cmd := map[string]any{"execute": command}
	if args != nil {
		cmd["arguments"] = args
	}
	req, err := json.Marshal(cmd)
	if err != nil {
		return nil, err
	}
	resp, err := m.Run(req)
	if err != nil {
		return nil, fmt.Errorf("QMP %s: %w", command, err)
	}
	var r struct {
		Return json.RawMessage `json:"return"`
	}
	if err := json.Unmarshal(resp, &r); err != nil {
		return nil, fmt.Errorf("QMP %s: %w", command, err)
	}
	return r.Return, nil
}

// Close ends the session.
func (m *Monitor) Close() error { return m.Disconnect() }

// QMP returns the monitor, or nil without Options.QMP. It is closed when
// QEMU exits.
func (v *VM) QMP() *Monitor {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.mon
}

// RunQMP runs one QMP command, e.g. v.RunQMP("query-status", nil).
func (v *VM) RunQMP(command string, args any) (json.RawMessage, error) {
	m := v.QMP()
	if m == nil {
		return nil, errors.New("vm: QMP not enabled in Options")
	}
	r, err := m.Execute(command, args)
	if err != nil {
		return nil, fmt.Errorf("vm %s: %w", v.opts.Name, err)
	}
	return r, nil
}

// SendKeys presses keys one after another on the PS/2 keyboard. A key is
// a QEMU qcode ("a", "ret", "spc", "esc", "f1", "minus", ...) or a chord of
// qcodes joined by '-' that are pressed together ("ctrl-alt-delete").
func (v *VM) SendKeys(keys ...string) error {
	return v.SendKeysHold(0, keys...)
}

// SendKeysHold is SendKeys with the time each chord is held down; 0 means
// QEMU's default (100 ms), which makes long texts slow to type.
func (v *VM) SendKeysHold(hold time.Duration, keys ...string) error {
	type keyValue struct {
		Type string `json:"type"`
		Data string `json:"data"`
	}
	for _, chord := range keys {
		var kv []keyValue
		for _, k := range strings.Split(chord, "-") {
			kv = append(kv, keyValue{"qcode", k})
		}
		args := map[string]any{"keys": kv}
		if hold > 0 {
			args["hold-time"] = hold.Milliseconds()
		}
		if _, err := v.RunQMP("send-key", args); err != nil {
			return fmt.Errorf("%w (key %q)", err, chord)
		}
	}
	return nil
}

// Screendump writes the VGA screen to path as a PNG. QEMU writes the file
// itself, so the path is made absolute against our working directory.
func (v *VM) Screendump(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	_, err = v.RunQMP("screendump", map[string]string{"filename": abs, "format": "png"})
	return err
}

// SendKeysTo presses keys, as SendKeysHold does, on the keyboard bound to
// the display device with QEMU id display (-device usb-kbd,display=ID),
// through QMP input-send-event: with a "device" QEMU gives the events to
// the input handlers bound to that display's console; send-key names
// none, and reaches the most recently activated keyboard among those
// bound to no display. So with the usb-kbd bound, send-key types on the
// PS/2 keyboard and SendKeysTo on the USB one. An empty display types
// where send-key does.
//
// Each chord is pressed by one KeyEvent and released by another hold
// later, and the next chord follows hold after that, as send-key paces
// them (the waits are host sleeps that pace the keys, not timing
// checks). Unlike send-key, whose events wait in QEMU's queue after it
// returns, SendKeysTo returns once QEMU has given every event to a
// keyboard: a device plugged in next cannot take a release meant for
// the keyboard that got the press.
func (v *VM) SendKeysTo(display string, hold time.Duration, keys ...string) error {
	for _, chord := range keys {
		for _, down := range []bool{true, false} {
			if err := v.KeyEvent(display, chord, down); err != nil {
				return err
			}
			if hold > 0 {
				time.Sleep(hold)
			}
		}
	}
	return nil
}

// KeyEvent presses (down) or releases the qcodes of chord, as SendKeysTo
// names them, in one QMP input-send-event; releases go in the reverse
// order of the presses.
func (v *VM) KeyEvent(display, chord string, down bool) error {
	type key struct {
		Type string `json:"type"`
		Data string `json:"data"`
	}
	type keyEvent struct {
		Down bool `json:"down"`
		Key  key  `json:"key"`
	}
	type event struct {
		Type string   `json:"type"`
		Data keyEvent `json:"data"`
	}
	codes := strings.Split(chord, "-")
	if !down {
		slices.Reverse(codes)
	}
	var evs []event
	for _, c := range codes {
		evs = append(evs, event{"key", keyEvent{down, key{"qcode", c}}})
	}
	args := map[string]any{"events": evs}
	if display != "" {
		args["device"] = display
	}
	if _, err := v.RunQMP("input-send-event", args); err != nil {
		return fmt.Errorf("%w (key %q)", err, chord)
	}
	return nil
}
