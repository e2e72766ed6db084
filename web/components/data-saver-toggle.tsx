'use client';
import { useEffect, useState } from 'react';
import { chooseDataSaver, dataSaver } from '../lib/data-saver';
import { useLanguage } from './providers';

/** The data-saver switch at the foot of every page (lib/data-saver.ts says what it changes). */
export function DataSaverToggle() {
  const { t } = useLanguage();
  const [on, setOn] = useState(false);
  useEffect(() => setOn(dataSaver()), []);
  return (
    <footer className="foot">
      <label className="check">
        <input
          type="checkbox"
          checked={on}
          aria-describedby="data-saver-hint"
          onChange={(e) => {
            chooseDataSaver(e.target.checked);
            setOn(e.target.checked);
          }}
        />
        {t.dataSaver}
      </label>
      <p id="data-saver-hint" className="hint">
        {t.dataSaverHint}
      </p>
    </footer>
  );
}
